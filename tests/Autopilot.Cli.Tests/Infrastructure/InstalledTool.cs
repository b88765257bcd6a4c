namespace Autopilot.Cli.Tests.Infrastructure;

/// <summary>
/// The tool as a user gets it: `dotnet pack` of the CLI into a local feed, then
/// `dotnet tool install --tool-path`. Done once for the test collection (it takes tens of seconds).
/// </summary>
public sealed class InstalledTool : IDisposable
{
    public InstalledTool()
    {
        Root = Path.Combine(Path.GetTempPath(), "autopilot-tool-" + Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(Root, "feed");
        var tools = Path.Combine(Root, "tools");
        Directory.CreateDirectory(feed);

        // A separate configuration keeps this build's outputs apart from the test run's Debug build.
        var pack = TestProcess.Run("dotnet",
            ["pack", Path.Combine(CliProcess.RepoRoot, "src", "Autopilot.Cli", "Autopilot.Cli.csproj"), "-c", "Release", "-o", feed, "-p:UseSharedCompilation=false", "-nodeReuse:false"],
            CliProcess.RepoRoot, timeoutMs: 600_000);
        if (pack.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + pack);
        }

        var install = TestProcess.Run("dotnet",
            ["tool", "install", "--tool-path", tools, "--add-source", feed, "Autopilot.Tool", "--version", PackageVersion()],
            Root, timeoutMs: 300_000);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet tool install failed:\n" + install);
        }

        Executable = Path.Combine(tools, OperatingSystem.IsWindows() ? "autopilot.exe" : "autopilot");
    }

    public string Root { get; }

    public string Executable { get; }

    public ProcessResult Run(string workingDirectory, string? stdin, params string[] args) =>
        TestProcess.Run(Executable, args, workingDirectory, stdin: stdin);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string PackageVersion()
    {
        var props = File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "Directory.Build.props"));
        var match = System.Text.RegularExpressions.Regex.Match(props, "<Version>([^<]+)</Version>");
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException("No <Version> in Directory.Build.props.");
    }
}

[CollectionDefinition(Name)]
public sealed class InstalledToolCollection : ICollectionFixture<InstalledTool>
{
    public const string Name = "installed tool";
}
