using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Autopilot.Native;

/// <summary>
/// Runs the managed CLI (autopilot.dll, shipped beside this program in the same tool package) with the same
/// arguments. On Linux and macOS the process becomes it (execve): one process, and stdout, stderr and the exit code
/// are the managed CLI's own. Where that is not possible (Windows, or standard input already read), it runs as a
/// child whose exit code is passed on.
/// </summary>
internal static partial class ManagedCli
{
    public const string DllName = "autopilot.dll";

    public static int Exec(string[] args, string? stdin)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, DllName);
        if (!File.Exists(dll))
        {
            return Missing($"the managed CLI {dll} is not installed beside this program");
        }

        var dotnet = DotnetHost.Find();
        if (dotnet is null)
        {
            return Missing("no .NET runtime (dotnet) was found for the managed CLI: set DOTNET_ROOT or put dotnet on PATH");
        }

        Console.Out.Flush();
        Console.Error.Flush();
        string[] argv = [dotnet, dll, .. args];
        if (stdin is null && !OperatingSystem.IsWindows())
        {
            ExecVe(argv); // returns only when execve failed; then run it as a child
        }

        var start = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardInput = stdin is not null };
        foreach (var arg in argv.AsSpan(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>A hand-off that cannot happen is a failure the caller must not take as an allow.</summary>
    private static int Missing(string why)
    {
        Console.Error.WriteLine($"autopilot: {why}.");
        return (int)Autopilot.Cli.ExitCode.InternalError;
    }

    private static unsafe void ExecVe(string[] argv)
    {
        var env = Environment.GetEnvironmentVariables();
        var pointers = new List<nint>();
        try
        {
            var args = new nint[argv.Length + 1];
            for (var i = 0; i < argv.Length; i++)
            {
                pointers.Add(args[i] = Marshal.StringToCoTaskMemUTF8(argv[i]));
            }

            var envp = new nint[env.Count + 1];
            var n = 0;
            foreach (System.Collections.DictionaryEntry entry in env)
            {
                pointers.Add(envp[n++] = Marshal.StringToCoTaskMemUTF8($"{entry.Key}={entry.Value}"));
            }

            fixed (nint* a = args)
            fixed (nint* e = envp)
            {
                _ = Execve(args[0], a, e);
            }
        }
        finally
        {
            foreach (var p in pointers)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static unsafe partial int Execve(nint path, nint* argv, nint* envp);
}

/// <summary>The dotnet host that runs the managed CLI: the one named by the SDK or DOTNET_ROOT, else the one on PATH, else the usual places.</summary>
internal static class DotnetHost
{
    public static string? Find()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == exe)
        {
            return self; // the portable package runs this program through dotnet itself
        }

        string?[] candidates =
        [
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
            Under(Environment.GetEnvironmentVariable("DOTNET_ROOT_" + RuntimeInformation.ProcessArchitecture.ToString().ToUpperInvariant()), exe),
            Under(Environment.GetEnvironmentVariable("DOTNET_ROOT"), exe),
        ];
        foreach (var candidate in candidates)
        {
            if (candidate is { Length: > 0 } && File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, exe);
            if (File.Exists(path))
            {
                return path;
            }
        }

        string[] usual = OperatingSystem.IsWindows()
            ? [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "dotnet", exe)]
            : ["/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet", "/usr/local/share/dotnet/dotnet", "/opt/homebrew/share/dotnet/dotnet"];
        return usual.FirstOrDefault(File.Exists);
    }

    private static string? Under(string? root, string exe) => string.IsNullOrEmpty(root) ? null : Path.Combine(root, exe);
}
