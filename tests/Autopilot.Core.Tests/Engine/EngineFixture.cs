using Autopilot.Core.Policies;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Tests.Engine;

/// <summary>Compiled policies for engine tests, and temporary evidence folders on real disk.</summary>
internal static class EngineFixture
{
    private static readonly Lazy<PolicyEngine> s_default = new(() => Compile(PolicySource.BuiltInDefaultText()));

    public static PolicyEngine Default => s_default.Value;

    public static PolicyEngine Compile(string yaml)
    {
        var result = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, "/t/test.policy.yaml"), PolicySource.RuntimeChecks);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return new PolicyEngine(result.Plan!);
    }
}

/// <summary>A real folder under the system temp folder, deleted when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "autopilot-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var file = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a test must not fail for it.
        }
    }
}
