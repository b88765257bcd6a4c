using Autopilot.Core.Autonomy;
using Autopilot.Core.Escalation;
using Autopilot.Core.Failures;
using Autopilot.Core.Predicates;
using Autopilot.Core.Tools;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Engine;

public sealed class EngineQuestionTests
{
    private static readonly AutonomyEvaluator s_autonomy = new(EngineFixture.Default);

    [Theory]
    [InlineData("observe", "none", Verdict.Allow)]
    [InlineData("observe", "low", Verdict.Escalate)]
    [InlineData("observe", "high", Verdict.Deny)]
    [InlineData("execute_safe", "low", Verdict.Allow)]
    [InlineData("execute_safe", "medium", Verdict.Escalate)]
    [InlineData("execute_safe", "critical", Verdict.Deny)]
    [InlineData("full_auto", "high", Verdict.Allow)]
    [InlineData("full_auto", "critical", Verdict.Escalate)]
    public void AutonomyLevelAgainstRisk(string level, string risk, Verdict expected)
    {
        var decision = s_autonomy.Check(level, risk);
        Assert.Equal(expected, decision.Verdict);
        if (expected != Verdict.Allow)
        {
            Assert.Equal(expected == Verdict.Deny ? "AP-AUTONOMY-DENY" : "AP-AUTONOMY-ESCALATE", Assert.Single(decision.Findings).RuleId);
        }
    }

    [Theory]
    [InlineData("root", "low")]
    [InlineData("observe", "apocalyptic")]
    public void UnknownLevelOrRiskFailsClosed(string level, string risk) =>
        Assert.Equal(Verdict.Deny, s_autonomy.Check(level, risk).Verdict);

    [Fact]
    public void QuietSignalsFireNothing()
    {
        var decision = new EscalationEvaluator(EngineFixture.Default).Evaluate(RunSignals.Parse("""{"consecutiveFailures": 1, "confidence": 0.9}"""));
        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Empty(decision.Findings);
    }

    [Fact]
    public void EscalationRulesFireAndTheMostRestrictiveWins()
    {
        var signals = RunSignals.Parse("""{"consecutiveFailures": 4, "budgetUsedFraction": 1.0, "optionCount": 3, "topOptionScoreGap": 0.05}""");
        var decision = new EscalationEvaluator(EngineFixture.Default).Evaluate(signals);
        Assert.Equal(Verdict.Deny, decision.Verdict);
        Assert.Equal(
            ["AP-ESC-BUDGET-NEARLY-SPENT", "AP-ESC-BUDGET-SPENT", "AP-ESC-CLOSE-OPTIONS", "AP-ESC-CONSECUTIVE-FAILURES"],
            decision.Findings.Select(f => f.RuleId).Order());
    }

    [Theory]
    [InlineData("""{"consecutiveFailure": 3}""", "Did you mean 'consecutiveFailures'?")]
    [InlineData("""{"retries": "many"}""", "must be a number")]
    [InlineData("""[1, 2]""", "one JSON object")]
    [InlineData("""{"retries": 1""", "not valid JSON")]
    public void BadSignalsAreRejectedWithAReason(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => RunSignals.Parse(json)).Message);

    [Fact]
    public void WhenPredicatesThatThrowOrNeverEndFailClosed()
    {
        var engine = EngineFixture.Compile("""
            phases: [a]
            escalation:
              - { id: E-THROWS, message: m, when: "facts.nothing.here > 1" }
              - { id: E-LOOPS, message: m, when: "(function(){ while (true) {} })()" }
              - { id: E-QUIET, message: m, when: "facts.signals.retries > 100" }
              - { id: E-FIRES, severity: deny, message: m, when: "facts.signals.retries > 2 && facts.phase === 'verify'" }
            """);
        var decision = new EscalationEvaluator(engine).Evaluate(RunSignals.Parse("""{"retries": 3, "phase": "verify"}"""));
        var ids = decision.Findings.Select(f => f.RuleId).Order().ToArray();
        Assert.Equal(["E-FIRES", "E-LOOPS", "E-THROWS"], ids);
        Assert.Contains("threw", decision.Findings.Single(f => f.RuleId == "E-THROWS").Message);
        Assert.Contains("statements", decision.Findings.Single(f => f.RuleId == "E-LOOPS").Message);
        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    [Fact]
    public void PredicateEngineResetsLimitsBetweenCalls()
    {
        var engine = new PredicateEngine();
        // Many cheap calls in a row must not add up to the per-call statement limit.
        for (var i = 0; i < 2_000; i++)
        {
            Assert.True(engine.Evaluate("var s = 0; for (var j = 0; j < 100; j++) { s += j; } return s === 4950;", "{}"));
        }
    }

    [Fact]
    public void PredicateSyntaxErrorsNameTheLine()
    {
        Assert.Null(PredicateEngine.CheckSyntax("facts.a > 1"));
        Assert.Contains("line 2", PredicateEngine.CheckSyntax("var x = 1;\nreturn x >;")!);
        Assert.Throws<PredicateException>(() => new PredicateEngine().Evaluate("1 + 1", "{}"));
    }

    [Theory]
    [InlineData("precondition", "whatever", "AP-FAIL-PRECONDITION", false)]
    [InlineData(null, "write failed: No space left on device", "AP-FAIL-DISK-FULL", false)]
    [InlineData(null, "bash: jq: command not found", "AP-FAIL-MISSING-TOOL", false)]
    [InlineData(null, "open /etc/shadow: permission denied", "AP-FAIL-PERMISSION", false)]
    [InlineData(null, "Failed: 2, Passed: 10 — 2 failed", "AP-FAIL-TEST", true)]
    [InlineData("malformed-output", "", "AP-FAIL-MALFORMED-OUTPUT", true)]
    [InlineData(null, "something odd happened", null, false)]
    public void FailuresAreClassified(string? kind, string message, string? classId, bool retry)
    {
        var outcome = new FailureClassifier(EngineFixture.Default).Classify(kind, message, 0);
        Assert.Equal(classId, outcome.ClassId);
        Assert.Equal(retry, outcome.Retry);
    }

    [Fact]
    public void RetryableFailuresStopAtTheCap()
    {
        var classifier = new FailureClassifier(EngineFixture.Default);
        Assert.True(classifier.Classify("test-failure", "", 2).Retry);
        var capped = classifier.Classify("test-failure", "", 3);
        Assert.False(capped.Retry);
        Assert.Contains("cap", capped.Reason);
    }

    [Theory]
    [InlineData("implement", "Bash", Verdict.Allow)]
    [InlineData("implement", "mcp__github__create_issue", Verdict.Allow)]
    [InlineData("strategize", "Bash", Verdict.Deny)]
    [InlineData("review", "Edit", Verdict.Deny)]
    [InlineData("review", "TodoWrite", Verdict.Allow)]
    [InlineData("pr", "mcp__github__create_pull_request", Verdict.Allow)]
    [InlineData("pr", "mcp__slack__post", Verdict.Deny)]
    public void ToolGuardsPerPhase(string phase, string tool, Verdict expected)
    {
        var decision = new ToolGuard(EngineFixture.Default).Check(phase, tool);
        Assert.Equal(expected, decision.Verdict);
        if (expected == Verdict.Deny)
        {
            Assert.Equal("AP-TOOL-PHASE", Assert.Single(decision.Findings).RuleId);
        }
    }
}
