using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>The transition scenarios through the packed and installed tool: verdicts and exit codes as documented.</summary>
[Collection(InstalledToolCollection.Name)]
public sealed class InstalledToolTransitionTests : IDisposable
{
    private readonly InstalledTool _tool;
    private readonly TempDir _dir = new();

    public InstalledToolTransitionTests(InstalledTool tool) => _tool = tool;

    public void Dispose() => _dir.Dispose();

    private ProcessResult Transition(string from, string to) =>
        _tool.Run(_dir.Path, null, "transition", "--task", "T-7", "--from", from, "--to", to, "--evidence-root", Path.Combine(_dir.Path, "evidence"), "--format", "json");

    [Fact]
    public void OneStepForwardWithEvidenceIsAllowed()
    {
        _dir.Write("evidence/T-7/plan/plan.md", "1. do it");
        var result = Transition("plan", "think");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"verdict\": \"allow\"", result.StdOut);
    }

    [Fact]
    public void SkipIsDeniedWithExitCode2()
    {
        var result = Transition("plan", "verify");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("\"ruleId\": \"AP-PHASE-SKIP\"", result.StdOut);
    }

    [Fact]
    public void BacktrackIsAllowedAndReported()
    {
        var result = Transition("verify", "implement");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("AP-PHASE-BACKTRACK", result.StdOut);
        Assert.Contains("\"kind\": \"backtrack\"", result.StdOut);
    }

    [Fact]
    public void MissingEvidenceIsDenied()
    {
        var result = Transition("think", "implement");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("AP-EVIDENCE-MISSING", result.StdOut);
        Assert.Contains("edge_cases.md", result.StdOut);
    }

    [Fact]
    public void TestResultsThatShowAFailureAreDenied()
    {
        _dir.Write("evidence/T-7/verify/test_results.json", """{"total": 40, "passed": 39, "failed": 1, "skipped": 0}""");
        _dir.Write("evidence/T-7/verify/build_output.log", "Build succeeded.\n");
        var result = Transition("verify", "review");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("AP-EVIDENCE-INVALID", result.StdOut);
        Assert.Contains("1 of 40 tests failed", result.StdOut);
    }

    [Fact]
    public void VersionAndHelpWork()
    {
        var version = _tool.Run(_dir.Path, null, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith("0.1.0", version.StdOut.Trim());
    }
}
