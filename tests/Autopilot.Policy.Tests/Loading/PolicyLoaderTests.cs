using Autopilot.Core.Policies;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;

namespace Autopilot.Policy.Tests.Loading;

public sealed class PolicyLoaderTests
{
    private static PlanResult Compile(string yaml, string path = "/p/test.policy.yaml") =>
        PlanBuilder.Compile(PolicyLoader.LoadText(yaml, path), PolicySource.RuntimeChecks);

    [Fact]
    public void DefaultPolicyCompilesWithoutDiagnostics()
    {
        var result = Compile(PolicySource.BuiltInDefaultText(), "default.policy.yaml");
        Assert.Empty(result.Diagnostics);
        var plan = Assert.IsType<PolicyPlan>(result.Plan);
        Assert.Equal(["strategize", "spec", "plan", "think", "implement", "verify", "review", "pr", "monitor"], plan.Phases);
        Assert.Equal(10, plan.Evidence.Count); // nine phases; verify leaves two files
        Assert.Equal(5, plan.AutonomyLevels.Count);
        Assert.True(plan.Document.Risks.Count >= 15);
        Assert.True(plan.Document.Escalation.Count >= 8);
        Assert.Equal(64, plan.PolicyHash.Length);
    }

    [Fact]
    public void FiveDifferentMistakesAreAllReportedWithPositions()
    {
        const string yaml = """
            phases:
              - id: a
                evidence: [nope]
              - id: b
                evidense: [x]
            transitions:
              mode: explicit
              edges:
                - { from: a, to: c }
            autonomy:
              levels:
                - { id: l1, allowUpTo: extreme }
            escalation:
              - id: E1
                message: m
                when: "facts.signals.retries >"
            """;
        var result = Compile(yaml);
        Assert.Null(result.Plan);
        var byId = result.Diagnostics.ToLookup(d => d.Id);

        var unknownEvidence = Assert.Single(byId[PolicyDiagnosticIds.UnknownReference], d => d.Message.Contains("'nope'"));
        Assert.Equal((3, 16), (unknownEvidence.Location.Line, unknownEvidence.Location.Column));

        var unknownKey = Assert.Single(byId[PolicyDiagnosticIds.UnknownKey]);
        Assert.Equal((5, 5), (unknownKey.Location.Line, unknownKey.Location.Column));
        Assert.Contains("Did you mean 'evidence'?", unknownKey.Message);

        Assert.Contains(byId[PolicyDiagnosticIds.UnknownReference], d => d.Message.Contains("'c'") && d.Location.Line == 9);
        Assert.Contains(byId[PolicyDiagnosticIds.UnreachablePhase], d => d.Message.Contains("'b'") && d.Location.Line == 4);
        Assert.Contains(byId[PolicyDiagnosticIds.UnknownReference], d => d.Message.Contains("'extreme'") && d.Location.Line == 12);
        var predicate = Assert.Single(byId[PolicyDiagnosticIds.InvalidPredicate]);
        Assert.Equal(16, predicate.Location.Line);
        Assert.All(result.Diagnostics, d => Assert.Equal("/p/test.policy.yaml", d.Location.Path));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("# only a comment\n", "empty")]
    [InlineData("phases: [a, b\n", "YAML syntax error")]
    [InlineData("- just\n- a list\n", "must be a mapping")]
    [InlineData("phases: a\n---\nphases: b\n", "exactly one YAML document")]
    [InlineData("phases: [plan, build\nmetadata: { name: x }\n", "YAML syntax error")]
    public void MalformedFilesGiveOneClearError(string yaml, string expected)
    {
        var result = Compile(yaml);
        Assert.Null(result.Plan);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(expected, diagnostic.Message);
        Assert.True(diagnostic.Location.Line >= 1);
    }

    [Fact]
    public void OversizedFileIsRefusedBeforeParsing()
    {
        var huge = "phases: [a]\n# " + new string('x', PolicyLoader.MaxPolicyBytes) + "\n";
        var result = Compile(huge);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyDiagnosticIds.FileUnreadable, diagnostic.Id);
        Assert.Contains("limit", diagnostic.Message);
    }

    [Fact]
    public void InvalidUtf8IsReported()
    {
        var result = PolicyLoader.LoadBytes([0x70, 0x3a, 0x20, 0xff, 0xfe, 0x0a], "/p/bad.policy.yaml");
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains("UTF-8", diagnostic.Message);
    }

    [Fact]
    public void WrongTypesAreReportedWithWhatWasExpected()
    {
        const string yaml = """
            phases:
              - id: a
                requiresLease: maybe
            failures:
              maxRetries: lots
            diff:
              - { id: D1, kind: max-filez, max: 3 }
            """;
        var result = Compile(yaml);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.WrongType && d.Message.Contains("true or false") && d.Location.Line == 3);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.WrongType && d.Message.Contains("whole number") && d.Location.Line == 5);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidValue && d.Message.Contains("Did you mean 'max-files'?") && d.Location.Line == 7);
    }

    [Fact]
    public void AnAddedCommandsRuleMustNameAnAutonomyLevel()
    {
        const string yaml = """
            phases: [a]
            autonomy:
              default: safe
              levels:
                - { id: safe, allowUpTo: low }
            diff:
              - { id: D1, kind: added-commands, level: saef }
              - { id: D2, kind: added-commands, level: safe }
              - { id: D3, kind: added-commands }
            """;
        var result = Compile(yaml);
        var unknown = Assert.Single(result.Diagnostics);
        Assert.Equal(PolicyDiagnosticIds.UnknownReference, unknown.Id);
        Assert.Equal(7, unknown.Location.Line);
        Assert.Contains("'saef', which is not an autonomy level", unknown.Message);
        Assert.Contains("Did you mean 'safe'?", unknown.Message);
    }

    [Fact]
    public void DuplicateRuleIdsAcrossListsAreReported()
    {
        const string yaml = """
            phases: [a]
            risks:
              - { id: R1, risk: high, message: m, tool: { names: [X] } }
            escalation:
              - { id: R1, message: m, condition: { signal: retries, value: 1 } }
            """;
        var result = Compile(yaml);
        var duplicate = Assert.Single(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.DuplicateId);
        Assert.Equal(5, duplicate.Location.Line);
        Assert.Contains("line 3", duplicate.Message);
    }

    [Fact]
    public void BadPatternsAreReported()
    {
        const string yaml = """
            phases: [a]
            risks:
              - id: R1
                risk: high
                message: m
                command: { programs: [rm], argsRegex: "([a-z" }
              - id: R2
                risk: high
                message: m
                path: { globs: ["src/[abc"] }
              - id: R3
                risk: high
                message: never matches
            """;
        var result = Compile(yaml);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Id == PolicyDiagnosticIds.InvalidPattern));
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.EmptyRule && d.Message.Contains("R3"));

        // A text that passed every check before (a cache entry is stored only after a clean load) skips the pattern checks,
        // which only find errors; the other checks still run.
        var again = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, "/p/test.policy.yaml"), PolicyChecks.AlreadyChecked);
        Assert.DoesNotContain(again.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidPattern);
        Assert.Contains(again.Diagnostics, d => d.Id == PolicyDiagnosticIds.EmptyRule && d.Message.Contains("R3"));
    }

    [Fact]
    public void A_command_regex_the_runtime_engine_cannot_run_is_a_lint_error_and_a_text_regex_with_the_same_construct_is_not()
    {
        // The old validator compiled every regex on the backtracking engine, so a backreference in argsRegex passed lint
        // and then failed when the classifier built the rule (argsRegex runs on the non-backtracking engine).
        const string yaml = """
            phases: [a]
            risks:
              - id: R1
                risk: high
                message: m
                command: { programs: [rm], argsRegex: "(-r)\\1" }
            failures:
              classes:
                - { id: F1, patterns: ["(timeout)\\1"] }
            """;
        var result = Compile(yaml);

        var problem = Assert.Single(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidPattern);
        Assert.Contains("(-r)\\1", problem.Message);
        Assert.Contains("non-backtracking", problem.Message);
        Assert.Equal(6, problem.Location.Line); // the command matcher
        Assert.Throws<ArgumentException>(() => Autopilot.Policy.Patterns.PolicyRegex.ForCommands("(-r)\\1"));
        Assert.NotNull(Autopilot.Policy.Patterns.PolicyRegex.ForText("(timeout)\\1"));
    }

    [Fact]
    public void AutonomyContradictionAndUnknownDefaultAreReported()
    {
        const string yaml = """
            phases: [a]
            autonomy:
              default: boss
              levels:
                - { id: l1, allowUpTo: high, escalateUpTo: low }
            """;
        var result = Compile(yaml);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.Contradiction);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.UnknownReference && d.Message.Contains("boss"));
    }

    [Fact]
    public void EvidenceWithoutPathOrEscapingItsFolderIsReported()
    {
        const string yaml = """
            phases: [{ id: a, evidence: [e1, e2] }, b]
            evidence:
              items:
                - { id: e1 }
                - { id: e2, path: ../../etc/passwd }
            """;
        var result = Compile(yaml);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.EvidenceWithoutPath && d.Location.Line == 4);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidValue && d.Location.Line == 5);
    }

    [Fact]
    public void PlanTablesFollowThePolicy()
    {
        var plan = Compile(PolicySource.BuiltInDefaultText()).Plan!;
        Assert.Equal(TransitionKind.Forward, plan.Classify(0, 1));
        Assert.Equal(TransitionKind.Skip, plan.Classify(0, 2));
        Assert.Equal(TransitionKind.Backtrack, plan.Classify(5, 2));
        Assert.Equal(TransitionKind.Same, plan.Classify(3, 3));
        var verify = plan.IndexOfPhase("verify");
        Assert.Equal(2, System.Numerics.BitOperations.PopCount(plan.RequiredEvidence[verify]));
        Assert.Equal(Policy.Model.Severity.Deny, plan.AttestationDrift[verify]);
        Assert.Equal(Policy.Model.Severity.Warning, plan.AttestationDrift[plan.IndexOfPhase("plan")]);
    }

    [Fact]
    public void DidYouMeanFindsCloseWordsOnly()
    {
        Assert.Equal("evidence", DidYouMean.Closest("evidense", ["phases", "evidence"]));
        Assert.Equal("phases", DidYouMean.Closest("phase", ["phases", "evidence"]));
        Assert.Null(DidYouMean.Closest("zzzzzz", ["phases", "evidence"]));
    }
}
