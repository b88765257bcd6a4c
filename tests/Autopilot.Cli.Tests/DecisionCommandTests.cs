using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

public sealed class DecisionCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EscalateReadsSignalsFromStdinAndExitsThree()
    {
        var result = CliProcess.Run(_dir.Path, """{"consecutiveFailures": 3}""", "escalate", "--signals", "-", "--format", "json");
        Assert.True(result.ExitCode == 3, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("escalate", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("AP-ESC-CONSECUTIVE-FAILURES", json.RootElement.GetProperty("findings")[0].GetProperty("ruleId").GetString());
    }

    [Fact]
    public void MalformedSignalsAreBadInputAndFailClosed()
    {
        var result = CliProcess.Run(_dir.Path, "{ not json", "escalate", "--signals", "-", "--format", "json");
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("not valid JSON", result.StdErr);
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("deny", json.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public void CheckAutonomyExitCodes()
    {
        Assert.Equal(0, CliProcess.Run(_dir.Path, null, "check", "autonomy", "--level", "execute_review", "--risk", "medium").ExitCode);
        Assert.Equal(3, CliProcess.Run(_dir.Path, null, "check", "autonomy", "--level", "execute_review", "--risk", "high").ExitCode);
        Assert.Equal(2, CliProcess.Run(_dir.Path, null, "check", "autonomy", "--level", "execute_review", "--risk", "critical").ExitCode);
    }

    [Fact]
    public void ABrokenPolicyFailsClosedWithBadInput()
    {
        var policy = _dir.Write("broken.policy.yaml", "phases: [a, b\n");
        var result = CliProcess.Run(_dir.Path, null, "check", "autonomy", "--level", "x", "--risk", "low", "--policy", policy);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("broken.policy.yaml(", result.StdErr);
        Assert.Contains("nothing is allowed", result.StdErr);
    }

    [Fact]
    public void TheRepositoryPolicyIsFoundWithoutAFlag()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, ".git"));
        _dir.Write(".autopilot/policy.yaml", """
            phases: [draft, done]
            autonomy:
              levels: [{ id: intern, allowUpTo: none, escalateUpTo: none }]
            """);
        var result = CliProcess.Run(_dir.Path, null, "check", "autonomy", "--level", "intern", "--risk", "low", "--format", "json");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("AP-AUTONOMY-DENY", result.StdOut);
    }

    [Fact]
    public void UsageErrorsExitOne()
    {
        var result = CliProcess.Run(_dir.Path, null, "transition", "--task", "T");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--to", result.StdErr);
        Assert.Equal(1, CliProcess.Run(_dir.Path, null, "no-such-command").ExitCode);
    }

    [Fact]
    public void FailureClassificationTellsWhetherToRetry()
    {
        var retry = CliProcess.Run(_dir.Path, null, "failure", "--message", "3 failed, 10 passed");
        Assert.Equal(0, retry.ExitCode);
        Assert.StartsWith("RETRY", retry.StdOut);
        var stop = CliProcess.Run(_dir.Path, null, "failure", "--message", "No space left on device", "--format", "json");
        Assert.Equal(2, stop.ExitCode);
        Assert.Contains("AP-FAIL-DISK-FULL", stop.StdOut);
    }

    [Fact]
    public void ToolGuardThroughTheCli()
    {
        Assert.Equal(2, CliProcess.Run(_dir.Path, null, "check", "tool", "Bash", "--phase", "spec").ExitCode);
        Assert.Equal(0, CliProcess.Run(_dir.Path, null, "check", "tool", "Bash", "--phase", "verify").ExitCode);
    }
}
