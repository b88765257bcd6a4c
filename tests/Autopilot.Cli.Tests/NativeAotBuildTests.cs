using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// The front compiles ahead of time with no trim or AOT warning (they are errors in its project) and the program it
/// makes answers a hook. A reflection-based call added anywhere in Core is found here, in the normal suite, instead of
/// at release time. Linux x64 only (NativeAOT does not cross-compile between OSes); about a minute on two cores.
/// </summary>
[Collection(InstalledToolCollection.Name)]
public sealed class NativeAotBuildTests : IDisposable
{
    private readonly TempDir _out = new();
    private readonly TempGitRepo _repo = SampleRepository.Create();

    public void Dispose()
    {
        _repo.Dispose();
        _out.Dispose();
    }

    [LinuxX64Fact]
    public void TheFrontPublishesAsNativeAotAndDeniesADestructiveCommand()
    {
        var project = Path.Combine(CliProcess.RepoRoot, "src", "Autopilot.Native", "Autopilot.Native.csproj");
        var publish = TestProcess.Run("dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PackAsTool=false", "-o", _out.Path, "-p:UseSharedCompilation=false", "-nodeReuse:false"],
            CliProcess.RepoRoot, timeoutMs: 1_200_000);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Assert.DoesNotContain("warning IL", publish.StdOut, StringComparison.Ordinal);

        var front = Path.Combine(_out.Path, "autopilot-native");
        var e = "{\"session_id\":\"s\",\"cwd\":\"" + _repo.Path + "\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"git status && rm -rf ~\"}}";
        var hook = TestProcess.Run(front, ["hook", "claude-code"], _repo.Path, new Dictionary<string, string> { ["AUTOPILOT_NATIVE_ONLY"] = "1" }, timeoutMs: 60_000, stdin: e);
        Assert.True(hook.ExitCode == 2, hook.ToString());
        Assert.Contains("\"permissionDecision\":\"deny\"", hook.StdOut, StringComparison.Ordinal);

        var allowed = TestProcess.Run(front, ["check", "command", "git status"], _repo.Path, new Dictionary<string, string> { ["AUTOPILOT_NATIVE_ONLY"] = "1" }, timeoutMs: 60_000);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }
}

/// <summary>A test that runs on Linux x64 only, and is reported as skipped elsewhere (not as passed).</summary>
public sealed class LinuxX64FactAttribute : FactAttribute
{
    public LinuxX64FactAttribute()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Skip = "NativeAOT is compiled for this machine's OS and architecture; this test publishes for linux-x64.";
        }
    }
}
