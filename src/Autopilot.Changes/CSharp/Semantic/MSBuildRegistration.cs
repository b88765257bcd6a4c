using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// Points the process at the SDK's MSBuild (Microsoft.Build.Locator), once, before any method that touches an
/// MSBuild or MSBuildWorkspace type is compiled: the JIT loads a method's types when it compiles it, so the
/// registration lives in its own method and the workspace code in another class.
/// </summary>
internal static class MSBuildRegistration
{
    private static readonly Lock s_gate = new();
    private static bool s_done;
    private static string? s_error;

    /// <summary>Null when MSBuild can be used; otherwise why not.</summary>
    public static string? Ensure()
    {
        lock (s_gate)
        {
            if (!s_done)
            {
                s_error = Register();
                s_done = true;
            }

            return s_error;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? Register()
    {
        try
        {
            // CanRegister is false once MSBuild assemblies are loaded (the host did it, or an earlier workspace):
            // what is loaded then is used as it is.
            if (!MSBuildLocator.IsRegistered && MSBuildLocator.CanRegister)
            {
                MSBuildLocator.RegisterDefaults();
            }

            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return $"no .NET SDK MSBuild was found ({ex.Message})";
        }
    }
}
