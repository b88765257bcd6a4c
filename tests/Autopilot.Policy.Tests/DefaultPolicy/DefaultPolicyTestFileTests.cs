using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.PolicyTests;
using Autopilot.Core.Tools;
using Autopilot.Policy.Model;
using Autopilot.Policy.Tests.Schema;

namespace Autopilot.Policy.Tests.DefaultPolicy;

/// <summary>
/// policies/default.policy.tests.yaml runs green through <see cref="PolicyTestRunner"/>, covers every rule of the
/// default policy that its case kinds can reach, and a wrong expectation really fails.
/// </summary>
public sealed class DefaultPolicyTestFileTests
{
    private static readonly string s_testFile = RepositoryFiles.Path("policies", "default.policy.tests.yaml");

    private static (PolicyTestLoader.Result Loaded, PolicyEngine Engine) Load(string testFile)
    {
        var loaded = PolicyTestLoader.Load(testFile);
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors));
        Assert.NotNull(loaded.PolicyPath);
        var policy = PolicySource.Load(loaded.PolicyPath);
        Assert.True(policy.Succeeded, string.Join("\n", policy.Diagnostics));
        return (loaded, policy.Engine!);
    }

    private static PolicyTestRunner Runner(PolicyEngine engine) => new(engine);

    private static string Describe(PolicyTestOutcome o) =>
        $"{o.Case.Name} ({o.Case.Location}): expected {o.Expected}, actual {(o.Error is null ? o.Actual : "error: " + o.Error)}";

    [Fact]
    public void Test_file_uses_the_default_policy_beside_it()
    {
        var (loaded, _) = Load(s_testFile);
        Assert.Equal(RepositoryFiles.Path("policies", "default.policy.yaml"), loaded.PolicyPath);
    }

    [Fact]
    public void Every_case_passes()
    {
        var (loaded, engine) = Load(s_testFile);
        var outcomes = Runner(engine).Run(loaded.Cases);

        Assert.True(outcomes.Count >= 150, $"only {outcomes.Count} cases");
        var failed = outcomes.Where(o => !o.Passed).Select(Describe).ToArray();
        Assert.True(failed.Length == 0, string.Join("\n", failed));
    }

    [Fact]
    public void Case_names_are_unique_and_only_supported_kinds_are_used()
    {
        var (loaded, _) = Load(s_testFile);
        var duplicates = loaded.Cases.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(duplicates);
        Assert.All(loaded.Cases, c => Assert.Contains(c.Kind, new[] { "transition", "autonomy", "signals", "failure", "tool", "command", "path" }));
        Assert.All(loaded.Cases, c => Assert.True(c.ExpectRules is not null, $"{c.Name} does not say which rules it expects"));
    }

    [Fact]
    public void Every_reachable_rule_of_the_default_policy_is_expected_by_some_case()
    {
        var (loaded, engine) = Load(s_testFile);
        var doc = engine.Plan;
        var expected = loaded.Cases.SelectMany(c => c.ExpectRules ?? []).ToHashSet(StringComparer.Ordinal);

        var rules = doc.Escalation.Select(r => r.Rule.Id)
            .Concat(doc.Failures.Classes.Select(c => c.Id))
            .Concat(doc.Risks.Select(r => r.Id))
            .Concat(new[]
            {
                doc.Transitions.Skip, doc.Transitions.Backtrack, doc.Transitions.MissingEvidence, doc.Transitions.InvalidEvidence,
                doc.Transitions.UnknownPhase, doc.Transitions.SamePhase,
                doc.Autonomy.AboveLevel, doc.Autonomy.FarAboveLevel,
                doc.Tools.NotAllowed,
            }.Select(r => r.Id))
            .ToArray();

        Assert.True(rules.Length >= 25, $"only {rules.Length} rules collected: {string.Join(", ", rules)}");
        var uncovered = rules.Where(id => !expected.Contains(id)).ToArray();
        Assert.True(uncovered.Length == 0, "Rules no case expects: " + string.Join(", ", uncovered));
    }

    [Fact]
    public void Autonomy_matrix_is_complete()
    {
        var (loaded, engine) = Load(s_testFile);
        var pairs = loaded.Cases.Where(c => c.Kind == "autonomy").Select(c => (c.Facts["level"], c.Facts["risk"])).ToHashSet();
        foreach (var level in engine.Plan.AutonomyLevels)
        {
            foreach (var risk in engine.Plan.RiskLevels)
            {
                Assert.True(pairs.Contains((level, risk)), $"no autonomy case for level '{level}' and risk '{risk}'");
            }
        }

        Assert.Equal(25, engine.Plan.AutonomyLevels.Count * engine.Plan.RiskLevels.Count);
    }

    [Fact]
    public void Every_forward_step_is_tested_with_and_without_its_evidence()
    {
        var (loaded, engine) = Load(s_testFile);
        var phases = engine.Plan.Phases;
        var transitions = loaded.Cases.Where(c => c.Kind == "transition").ToArray();
        for (var i = 0; i + 1 < phases.Count; i++)
        {
            var step = transitions.Where(c => c.Facts["from"] == phases[i] && c.Facts["to"] == phases[i + 1]).ToArray();
            Assert.Contains(step, c => c.ExpectVerdict == "allow" && c.EvidenceFiles.Count > 0);
            Assert.Contains(step, c => c.ExpectVerdict == "deny" && c.ExpectRules!.Contains("AP-EVIDENCE-MISSING"));
        }
    }

    [Fact]
    public void Changing_an_expected_verdict_makes_that_case_fail_with_expected_and_actual()
    {
        // Rewrite the file as an author would: one case's verdict flipped, the policy named by full path.
        var original = File.ReadAllText(s_testFile);
        const string allowLine = "    expect: { verdict: allow, rules: [] }";
        var at = original.IndexOf(allowLine, StringComparison.Ordinal);
        Assert.True(at > 0, "the test file has no plain allow case");
        var changed = original[..at] + "    expect: { verdict: deny, rules: [] }" + original[(at + allowLine.Length)..];
        changed = changed.Replace("policy: default.policy.yaml", "policy: " + RepositoryFiles.Path("policies", "default.policy.yaml"), StringComparison.Ordinal);

        var temp = Path.Combine(Path.GetTempPath(), $"autopilot-flipped-{Guid.NewGuid():N}.policy.tests.yaml");
        File.WriteAllText(temp, changed);
        try
        {
            var (loaded, engine) = Load(temp);
            var outcomes = Runner(engine).Run(loaded.Cases);
            var failed = Assert.Single(outcomes, o => !o.Passed);

            // The failing case is the flipped one: it starts at the "- name:" line above the changed line.
            var caseStart = original.LastIndexOf("  - name:", at, StringComparison.Ordinal);
            Assert.Equal(original[..caseStart].Count(c => c == '\n') + 1, failed.Case.Location.Line);
            Assert.Equal("verdict=deny rules=[]", failed.Expected);
            Assert.Equal("verdict=allow rules=[]", failed.Actual);
            Assert.Null(failed.Error);
            Assert.Equal(outcomes.Count - 1, outcomes.Count(o => o.Passed));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [Fact]
    public void A_wrong_rule_or_retry_expectation_fails_too()
    {
        var (loaded, engine) = Load(s_testFile);
        var runner = Runner(engine);

        var escalation = loaded.Cases.First(c => c.Kind == "signals" && c.ExpectRules is ["AP-ESC-CONSECUTIVE-FAILURES"]);
        var wrongRule = runner.RunOne(escalation with { ExpectRules = ["AP-ESC-REPEATED-ERROR"] });
        Assert.False(wrongRule.Passed);
        Assert.Equal("verdict=escalate rules=[AP-ESC-REPEATED-ERROR]", wrongRule.Expected);
        Assert.Equal("verdict=escalate rules=[AP-ESC-CONSECUTIVE-FAILURES]", wrongRule.Actual);

        var failure = loaded.Cases.First(c => c.Kind == "failure" && c.ExpectRetry == true);
        var wrongRetry = runner.RunOne(failure with { ExpectRetry = false });
        Assert.False(wrongRetry.Passed);
        Assert.StartsWith("retry=false", wrongRetry.Expected, StringComparison.Ordinal);
        Assert.StartsWith("retry=true", wrongRetry.Actual, StringComparison.Ordinal);
    }
}
