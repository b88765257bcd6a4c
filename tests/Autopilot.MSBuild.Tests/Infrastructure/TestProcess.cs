using System.Diagnostics;

namespace Autopilot.MSBuild.Tests.Infrastructure;

/// <summary>What a finished process printed and returned.</summary>
public sealed record RunResult(int ExitCode, string StdOut, string StdErr)
{
    public string Output => StdOut + StdErr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>Real processes with captured output, a clean environment and a time limit.</summary>
public static class TestProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The autopilot.dll built next to this test assembly (the project references the CLI).</summary>
    public static string CliDll { get; } = Path.Combine(AppContext.BaseDirectory, "autopilot.dll");

    public static RunResult Run(string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null, int timeoutMs = 300_000)
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
        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeoutMs} ms.");
        }

        return new RunResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command that must succeed.</summary>
    public static string Must(string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string>? environment = null, int timeoutMs = 300_000)
    {
        var result = Run(fileName, args, workingDirectory, environment, timeoutMs);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} failed:\n{result}");
        }

        return result.StdOut;
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

        throw new InvalidOperationException("Autopilot.sln not found above the test folder.");
    }
}

/// <summary>A temporary folder on real disk, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "autopilot-msbuild-")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>A real git repository in a temporary folder.</summary>
public sealed class GitRepo : IDisposable
{
    private readonly TempDir _dir = new("autopilot-msbuild-repo-");

    public GitRepo()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "test@autopilot.invalid");
        Git("config", "user.name", "Autopilot Test");
        Git("config", "commit.gpgsign", "false");
    }

    public string Path => _dir.Path;

    public string Write(string relative, string content) => _dir.Write(relative, content);

    public string Git(params string[] args) => TestProcess.Must("git", args, Path);

    public RunResult TryGit(params string[] args) => TestProcess.Run("git", args, Path);

    public void CommitAll(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
    }

    public void Dispose() => _dir.Dispose();
}
