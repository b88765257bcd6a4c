namespace Autopilot.Cli.Tests.Infrastructure;

/// <summary>
/// The tool as a user gets it: `dotnet pack` of the tool project (src/Autopilot.Native, docs/native.md) into a local
/// feed, then `dotnet tool install --tool-path`. Done once for the test collection (it takes tens of seconds).
/// With AUTOPILOT_LONG_TESTS=1 the feed holds this machine's NativeAOT package (one AOT publish, about a minute or
/// more) and the install picks it, as a user's would; otherwise only the portable `any` package is packed (the same
/// front program on the JIT, with the managed CLI beside it), so that the normal suite stays fast.
/// </summary>
public sealed class InstalledTool : IDisposable
{
    public InstalledTool()
    {
        Root = Path.Combine(Path.GetTempPath(), "autopilot-tool-" + Guid.NewGuid().ToString("N"));
        var feed = Path.Combine(Root, "feed");
        var tools = Path.Combine(Root, "tools");
        Directory.CreateDirectory(feed);

        // This machine's NativeAOT package in long runs; the portable one otherwise.
        var native = Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") == "1" && OperatingSystem.IsLinux()
            && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64;
        var project = Path.Combine(CliProcess.RepoRoot, "src", "Autopilot.Native", "Autopilot.Native.csproj");
        // A separate configuration keeps this build's outputs apart from the test run's Debug build.
        string[] common = ["-c", "Release", "-o", feed, "-p:UseSharedCompilation=false", "-nodeReuse:false"];
        string[] rids = native ? [] : ["-p:ToolPackageRuntimeIdentifiers=any"];
        foreach (var rid in native ? new[] { "", "any", "linux-x64" } : ["", "any"])
        {
            string[] args = ["pack", project, .. common, .. rids, .. (rid.Length == 0 ? Array.Empty<string>() : ["-r", rid])];
            var pack = TestProcess.Run("dotnet", args, CliProcess.RepoRoot, timeoutMs: 1_200_000);
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException("dotnet pack failed:\n" + pack);
            }
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
