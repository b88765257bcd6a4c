using Autopilot.Core.Transitions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Tests.Engine;

public sealed class TransitionEvaluatorTests : IDisposable
{
    private readonly TempDir _root = new();
    private readonly TransitionEvaluator _evaluator = new(EngineFixture.Default);

    public void Dispose() => _root.Dispose();

    private TransitionResult Move(string from, string to, string task = "T-1") =>
        _evaluator.Evaluate(new TransitionRequest(task, from, to, _root.Path));

    [Fact]
    public void ForwardOneStepWithEvidenceIsAllowed()
    {
        _root.Write("T-1/strategize/strategy.md", "# Strategy\nShip it.");
        var result = Move("strategize", "spec");
        Assert.Equal(Verdict.Allow, result.Decision.Verdict);
        Assert.Empty(result.Decision.Findings);
        Assert.Equal(TransitionKind.Forward, result.Kind);
        var evidence = Assert.Single(result.Evidence);
        Assert.Equal(64, evidence.Sha256!.Length);
        // Taken when asked for (a stateless check never asks), and of the file's bytes as read.
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("# Strategy\nShip it."u8)), evidence.Sha256);
    }

    [Fact]
    public void MissingEvidenceIsDeniedAndNamesTheFile()
    {
        var result = Move("strategize", "spec");
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        var finding = Assert.Single(result.Decision.Findings);
        Assert.Equal("AP-EVIDENCE-MISSING", finding.RuleId);
        Assert.EndsWith("T-1/strategize/strategy.md", finding.Location!.Path);
    }

    [Fact]
    public void EmptyEvidenceIsInvalid()
    {
        _root.Write("T-1/strategize/strategy.md", "   \n");
        var finding = Assert.Single(Move("strategize", "spec").Decision.Findings);
        Assert.Equal("AP-EVIDENCE-INVALID", finding.RuleId);
        Assert.Contains("empty", finding.Message);
    }

    [Theory]
    [InlineData("""{"total": 10, "passed": 9, "failed": 1, "skipped": 0}""", "1 of 10 tests failed")]
    [InlineData("""{"total": 0, "passed": 0, "failed": 0}""", "no tests ran")]
    [InlineData("""{"total": 3, "passed": 3}""", "schema")]
    [InlineData("""{"total": 3, "passed": 3, "failed": -1}""", "schema")]
    [InlineData("""{"total": 3, """, "not valid JSON")]
    public void TestResultsThatShowAProblemAreInvalid(string json, string reason)
    {
        _root.Write("T-1/verify/test_results.json", json);
        _root.Write("T-1/verify/build_output.log", "Build succeeded.\n    0 Warning(s)\n    0 Error(s)\n");
        var result = Move("verify", "review");
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        var finding = Assert.Single(result.Decision.Findings);
        Assert.Equal("AP-EVIDENCE-INVALID", finding.RuleId);
        Assert.Contains(reason, finding.Message);
    }

    [Fact]
    public void VerifyWithPassingTestsAndACleanBuildIsAllowed()
    {
        _root.Write("T-1/verify/test_results.json", """{"total": 120, "passed": 118, "failed": 0, "skipped": 2}""");
        _root.Write("T-1/verify/build_output.log", "Build succeeded.\n    0 Warning(s)\n    0 Error(s)\n");
        Assert.Equal(Verdict.Allow, Move("verify", "review").Decision.Verdict);
    }

    [Fact]
    public void BuildLogWithACompilerErrorIsInvalidAndQuotesTheLine()
    {
        _root.Write("T-1/verify/test_results.json", """{"total": 1, "passed": 1, "failed": 0}""");
        _root.Write("T-1/verify/build_output.log", "restore ok\nsrc/A.cs(3,9): error CS1002: ; expected [A.csproj]\nBuild FAILED.\n");
        var finding = Assert.Single(Move("verify", "review").Decision.Findings);
        Assert.Contains("line 2", finding.Message);
        Assert.Contains("CS1002", finding.Message);
    }

    [Theory]
    [InlineData("""{"scores": {"correctness": 5, "clarity": 4}}""", true)]
    [InlineData("""{"scores": {"correctness": 5, "clarity": 3}}""", false)]
    [InlineData("""{"scores": {}}""", false)]
    [InlineData("""{"scores": {"correctness": 6}}""", false)]
    public void ReviewRubricNeedsEveryScoreAtThreshold(string json, bool allowed)
    {
        _root.Write("T-1/review/review_rubric.json", json);
        Assert.Equal(allowed ? Verdict.Allow : Verdict.Deny, Move("review", "pr").Decision.Verdict);
    }

    [Fact]
    public void SkipIsDeniedAndNamesTheSkippedPhases()
    {
        var result = Move("strategize", "think");
        var finding = Assert.Single(result.Decision.Findings);
        Assert.Equal("AP-PHASE-SKIP", finding.RuleId);
        Assert.Contains("spec, plan", finding.Message);
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Empty(result.Evidence); // a skip reads no evidence
    }

    [Fact]
    public void BacktrackIsAllowedAndRecorded()
    {
        var result = Move("review", "implement");
        Assert.Equal(Verdict.Allow, result.Decision.Verdict);
        Assert.Equal("AP-PHASE-BACKTRACK", Assert.Single(result.Decision.Findings).RuleId);
        Assert.Equal(TransitionKind.Backtrack, result.Kind);
    }

    [Theory]
    [InlineData("strategize", "deploy")]
    [InlineData("nowhere", "spec")]
    public void UnknownPhaseFailsClosed(string from, string to)
    {
        var result = Move(from, to);
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Equal("AP-PHASE-UNKNOWN", Assert.Single(result.Decision.Findings).RuleId);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("")]
    public void TaskIdsThatArePathsAreDenied(string task)
    {
        var result = Move("strategize", "spec", task);
        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Equal("AP-TASK-ID", Assert.Single(result.Decision.Findings).RuleId);
    }

    [Fact]
    public void WhenPredicateOnEvidenceIsEvaluatedAndFailsClosed()
    {
        var engine = EngineFixture.Compile("""
            phases: [{ id: a, evidence: [e] }, b]
            evidence:
              items:
                - id: e
                  path: e.json
                  when: "facts.content.ok === true"
            """);
        var evaluator = new TransitionEvaluator(engine);
        _root.Write("T-1/a/e.json", """{"ok": true}""");
        Assert.Equal(Verdict.Allow, evaluator.Evaluate(new("T-1", "a", "b", _root.Path)).Decision.Verdict);
        _root.Write("T-1/a/e.json", """{"ok": false}""");
        Assert.Contains("predicate is false", Assert.Single(evaluator.Evaluate(new("T-1", "a", "b", _root.Path)).Decision.Findings).Message);
        _root.Write("T-1/a/e.json", """{"other": 1}""");
        Assert.Equal(Verdict.Deny, evaluator.Evaluate(new("T-1", "a", "b", _root.Path)).Decision.Verdict);
    }
}

/// <summary>The evaluator honours the gate's verdict: a gate stricter than its reasons still decides; a looser one loosens nothing.</summary>
public sealed class TransitionGateVerdictTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private sealed class FixedGate(Gates.ITransitionGate inner, Verdict verdict) : Gates.ITransitionGate
    {
        public Gates.TransitionOutcome Check(int from, int to, ulong validEvidence) => inner.Check(from, to, validEvidence) with { Verdict = verdict };
    }

    private TransitionResult Move(Verdict gateVerdict, string from, string to)
    {
        var plan = EngineFixture.Default.Plan;
        var engine = new Autopilot.Core.Policies.PolicyEngine(plan, new FixedGate(new Gates.InterpretedTransitionGate(plan), gateVerdict));
        return new TransitionEvaluator(engine).Evaluate(new TransitionRequest("T-1", from, to, _root.Path));
    }

    [Fact]
    public void A_gate_that_denies_a_move_whose_evidence_is_valid_decides()
    {
        _root.Write("T-1/strategize/strategy.md", "# Strategy\nShip it.");

        var result = Move(Verdict.Deny, "strategize", "spec");

        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        var finding = Assert.Single(result.Decision.Findings);
        Assert.Equal("AP-EVIDENCE-MISSING", finding.RuleId);
        Assert.Contains("answered deny", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gate_that_allows_missing_evidence_does_not_loosen_the_findings()
    {
        var result = Move(Verdict.Allow, "strategize", "spec");

        Assert.Equal(Verdict.Deny, result.Decision.Verdict);
        Assert.Equal("AP-EVIDENCE-MISSING", Assert.Single(result.Decision.Findings).RuleId);
    }
}
