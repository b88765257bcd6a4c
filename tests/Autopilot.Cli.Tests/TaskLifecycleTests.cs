using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// A whole task through the CLI with the ledger: nine phases with evidence, a denied skip, a backtrack,
/// an escalation; the timeline reconstructs exactly and `ledger verify` catches tampering.
/// </summary>
public sealed class TaskLifecycleTests : IDisposable
{
    private readonly TempGitRepo _repo = SampleRepository.Create();

    public void Dispose() => _repo.Dispose();

    private static readonly Dictionary<string, string> s_actor = new() { ["AUTOPILOT_ACTOR"] = "agent-7" };

    private ProcessResult Run(params string[] args) => TestProcess.Run("dotnet", [CliProcess.CliDll, .. args], _repo.Path, environment: s_actor);

    private ProcessResult Move(string to) => Run("transition", "T-9", "--to", to, "--format", "json");

    private void Evidence(string phase, string file, string content) => _repo.Write($"state/evidence/T-9/{phase}/{file}", content);

    [Fact]
    public void AFullLifecycleReconstructsExactlyFromTheLedger()
    {
        Evidence("strategize", "strategy.md", "why");
        Assert.Equal(0, Move("spec").ExitCode);

        var skip = Move("think");
        Assert.True(skip.ExitCode == 2, skip.ToString());
        Assert.Contains("AP-PHASE-SKIP", skip.StdOut);

        Evidence("spec", "spec.md", "what");
        Assert.Equal(0, Move("plan").ExitCode);
        Evidence("plan", "plan.md", "how");
        Assert.Equal(0, Move("think").ExitCode);
        Evidence("think", "edge_cases.md", "edges");
        Assert.Equal(0, Move("implement").ExitCode);
        Evidence("implement", "git_diff.patch", "diff --git a/x b/x");
        Assert.Equal(0, Move("verify").ExitCode);

        var backtrack = Move("implement");
        Assert.Equal(0, backtrack.ExitCode);
        Assert.Contains("AP-PHASE-BACKTRACK", backtrack.StdOut);
        Assert.Equal(0, Move("verify").ExitCode);

        var escalation = TestProcess.Run("dotnet", [CliProcess.CliDll, "escalate", "--signals", "-", "--task", "T-9", "--record"], _repo.Path, s_actor, stdin: """{"consecutiveFailures": 3, "phase": "verify"}""");
        Assert.Equal(3, escalation.ExitCode);

        Evidence("verify", "test_results.json", """{"total": 12, "passed": 12, "failed": 0}""");
        Evidence("verify", "build_output.log", "Build succeeded.");
        Assert.Equal(0, Move("review").ExitCode);
        Evidence("review", "review_rubric.json", """{"scores": {"correctness": 5, "tests": 4}}""");
        Assert.Equal(0, Move("pr").ExitCode);
        Evidence("pr", "pr_template_filled.md", "## Summary");
        Assert.Equal(0, Move("monitor").ExitCode);
        Evidence("monitor", "smoke_test_results.json", """{"total": 3, "passed": 3, "failed": 0}""");
        var done = Move("done");
        Assert.True(done.ExitCode == 0, done.ToString());

        var timeline = Run("ledger", "reconstruct", "T-9", "--format", "json");
        Assert.Equal(0, timeline.ExitCode);
        using var json = JsonDocument.Parse(timeline.StdOut);
        var root = json.RootElement;
        Assert.Equal("done", root.GetProperty("currentPhase").GetString());
        Assert.Equal(
            ["strategize", "spec", "plan", "think", "implement", "verify", "implement", "verify", "review", "pr", "monitor", "done"],
            root.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("phase").GetString()));
        Assert.True(root.GetProperty("phases")[6].GetProperty("viaBacktrack").GetBoolean());
        var denied = Assert.Single(root.GetProperty("denied").EnumerateArray());
        Assert.Equal("think", denied.GetProperty("to").GetString());
        Assert.Equal("AP-ESC-CONSECUTIVE-FAILURES", Assert.Single(root.GetProperty("escalations").EnumerateArray()).GetProperty("ruleIds")[0].GetString());
        var evidence = root.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "strategy", "spec", "plan", "edge_cases", "git_diff", "test_results", "build_output", "review_rubric", "pr_template", "smoke_test_results" }, evidence);

        var verify = Run("ledger", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.StartsWith("OK: 14 entries", verify.StdOut); // start, 9 moves forward, a denied skip, a backtrack and its return, an escalation
    }

    [Fact]
    public void VerifyCatchesAChangedByteARemovedLineAndASwap()
    {
        Evidence("strategize", "strategy.md", "why");
        Move("spec");
        Move("plan");
        Evidence("spec", "spec.md", "what");
        Move("plan");
        Move("spec");
        var ledgerDir = Path.Combine(_repo.Path, ".autopilot", "ledger");
        var file = Directory.GetFiles(ledgerDir, "*.jsonl").Single();
        var original = File.ReadAllLines(file);
        Assert.True(original.Length >= 5);
        Assert.Equal(0, Run("ledger", "verify").ExitCode);

        void Expect(string[] lines, string what)
        {
            File.WriteAllLines(file, lines);
            var result = Run("ledger", "verify");
            Assert.True(result.ExitCode == 2, $"{what}: {result}");
            Assert.StartsWith("BROKEN", result.StdOut);
            File.WriteAllLines(file, original);
        }

        var edited = (string[])original.Clone();
        var at = edited[2].IndexOf("\"plan\"", StringComparison.Ordinal);
        edited[2] = edited[2][..(at + 1)] + "P" + edited[2][(at + 2)..];
        Expect(edited, "one byte changed");
        Expect([.. original.Take(2), .. original.Skip(3)], "one line removed");
        Expect([original[0], original[2], original[1], .. original.Skip(3)], "two lines swapped");
    }

    [Fact]
    public void AnIdempotencyKeyRecordsOnce()
    {
        Evidence("strategize", "strategy.md", "why");
        var first = Run("transition", "T-9", "--to", "spec", "--idempotency-key", "k-1", "--format", "json");
        var second = Run("transition", "T-9", "--to", "spec", "--idempotency-key", "k-1", "--format", "json");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("\"replayed\": true", second.StdOut);
        var shown = Run("ledger", "show", "--task", "T-9", "--format", "json");
        using var json = JsonDocument.Parse(shown.StdOut);
        Assert.Equal(2, json.RootElement.GetArrayLength()); // the task start and one transition
    }

    [Fact]
    public void LeasesAreExclusiveAndAPhaseThatNeedsOneIsGuarded()
    {
        _repo.Write(".autopilot/policy.yaml", """
            phases:
              - { id: build, evidence: [], requiresLease: true }
              - { id: ship }
            """);
        var denied = Run("transition", "T-1", "--to", "ship", "--format", "json");
        Assert.True(denied.ExitCode == 2, denied.ToString());
        Assert.Contains("AP-LEASE-REQUIRED", denied.StdOut);

        var acquire = Run("lease", "acquire", "--task", "T-1", "--phase", "build", "--format", "json");
        Assert.True(acquire.ExitCode == 0, acquire.ToString());
        var other = CliProcess.Run(_repo.Path, null, "lease", "acquire", "--task", "T-1", "--phase", "build", "--actor", "agent-8");
        Assert.True(other.ExitCode == 2, other.ToString());
        Assert.Contains("agent-7", other.StdOut);

        Assert.Equal(0, Run("transition", "T-1", "--to", "ship").ExitCode);
        Assert.Equal(0, Run("lease", "release", "--task", "T-1", "--phase", "build").ExitCode);
        var again = CliProcess.Run(_repo.Path, null, "lease", "acquire", "--task", "T-1", "--phase", "build", "--actor", "agent-8", "--format", "json");
        Assert.Equal(0, again.ExitCode);
        using var first = JsonDocument.Parse(acquire.StdOut);
        using var second = JsonDocument.Parse(again.StdOut);
        Assert.True(second.RootElement.GetProperty("lease").GetProperty("token").GetInt64() > first.RootElement.GetProperty("lease").GetProperty("token").GetInt64());
    }

    [Fact]
    public void PromptDriftWarnsInPlanAndIsAnErrorInVerify()
    {
        var prompt = _repo.Write("prompts/system.md", "You are careful.");
        Assert.Equal(0, Run("attest", "record", "--task", "T-1", "--phase", "plan", "--file", "prompts/system.md").ExitCode);
        Assert.Equal(0, Run("attest", "record", "--task", "T-1", "--phase", "verify", "--file", "prompts/system.md").ExitCode);
        Assert.Equal(0, Run("attest", "check", "--task", "T-1", "--phase", "verify", "--file", "prompts/system.md").ExitCode);

        File.WriteAllText(prompt, "You are reckless.");
        var plan = Run("attest", "check", "--task", "T-1", "--phase", "plan", "--file", "prompts/system.md");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("warning AP-ATTEST-DRIFT", plan.StdOut);
        var verify = Run("attest", "check", "--task", "T-1", "--phase", "verify", "--file", "prompts/system.md");
        Assert.True(verify.ExitCode == 2, verify.ToString());

        Assert.Equal(4, Run("attest", "update", "--task", "T-1", "--phase", "verify", "--file", "prompts/system.md").ExitCode); // no reason
        Assert.Equal(0, Run("attest", "update", "--task", "T-1", "--phase", "verify", "--file", "prompts/system.md", "--reason", "tone change approved").ExitCode);
        Assert.Equal(0, Run("attest", "check", "--task", "T-1", "--phase", "verify", "--file", "prompts/system.md").ExitCode);
    }
}
