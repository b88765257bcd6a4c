using System.Diagnostics;

namespace Autopilot.Testing;

/// <summary>What a finished process printed and returned.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Real processes with captured output, a clean environment and a time limit.</summary>
public static class TestProcess
{
    /// <summary>The repository root: the folder above the test binaries that holds Autopilot.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The autopilot.dll built next to the calling test assembly (its project references the CLI).</summary>
    public static string CliDll { get; } = Path.Combine(AppContext.BaseDirectory, "autopilot.dll");

    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> args,
        string workingDirectory,
        IDictionary<string, string>? environment = null,
        int timeoutMs = 300_000,
        string? stdin = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // `dotnet test` hands its MSBuild's location to the test host; a child build must find its own.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeoutMs} ms.");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command that must succeed; returns its standard output.</summary>
    public static string Must(string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null, int timeoutMs = 300_000)
    {
        var result = Run(fileName, args, workingDirectory, environment, timeoutMs);
        return result.ExitCode == 0 ? result.StdOut : throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} failed:\n{result}");
    }

    /// <summary>The one version number of every package, from Directory.Build.props.</summary>
    public static string PackageVersion()
    {
        var props = File.ReadAllText(Path.Combine(RepoRoot, "Directory.Build.props"));
        var match = System.Text.RegularExpressions.Regex.Match(props, "<Version>([^<]+)</Version>");
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("No <Version> in Directory.Build.props.");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Autopilot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Autopilot.sln not found above " + AppContext.BaseDirectory);
    }
}
