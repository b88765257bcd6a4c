using Autopilot.Generators.Model;
using Autopilot.Generators.Tests.Infrastructure;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;

namespace Autopilot.Generators.Tests;

/// <summary>
/// One lowering (issue 10): the generator's spec is the plan PlanBuilder built, copied, not a second reading of the
/// document. For each policy, every verdict, threshold, table row and rule id the generator emits equals the plan's,
/// which is what the interpreter runs on (<see cref="DifferentialTests"/> then runs both).
/// </summary>
public sealed class OneLoweringTests
{
    public static TheoryData<string> PolicyNames => ["default", "small", "overrides", "minimal", "custom-risk-levels", "strict-allowlist", "quickstarts-allowlist"];

    /// <summary>The default policy, the tests' own (<see cref="Policies"/>) and the shipped examples, by name.</summary>
    internal static (string Path, string Yaml) Policy(string name) => name switch
    {
        "default" => (Repo.DefaultPolicyPath, Repo.DefaultPolicyText),
        "small" => ("/policies/small.policy.yaml", Policies.Small),
        "overrides" => ("/policies/overrides.policy.yaml", Policies.Overrides),
        _ => Example(name),
    };

    private static (string, string) Example(string name)
    {
        var path = Path.Combine(Repo.Root, "policies", "examples", name + ".policy.yaml");
        return (path, File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void The_generator_spec_is_the_plan(string name)
    {
        var (path, yaml) = Policy(name);
        var plan = Compile(path, yaml);
        var parsed = PolicyGateGenerator.Parse(new PolicyInput(path, yaml, PolicyGateGenerator.DefaultNamespace, null), default);
        var spec = Assert.IsType<PolicySpec>(parsed.Spec);

        Assert.Equal(plan.PolicyHash, spec.Hash);
        Assert.Equal(plan.Metadata.Name, spec.Name);
        var t = plan.Transitions;
        Assert.Equal(
            (t.VerdictFor(TransitionKind.Skip), t.VerdictFor(TransitionKind.Backtrack), t.VerdictFor(TransitionKind.Forward), t.VerdictFor(TransitionKind.Same), t.UnknownIndex),
            (spec.Transitions.Skip, spec.Transitions.Backtrack, spec.Transitions.MissingEvidence, spec.Transitions.Same, spec.Transitions.Unknown));
        for (var from = 0; from < plan.PhaseCount; from++)
        {
            var forward = Enumerable.Range(0, plan.PhaseCount).Where(to => plan.Classify(from, to) == TransitionKind.Forward);
            Assert.Equal(forward, spec.Transitions.Phases[from].ForwardTargets);
            Assert.Equal(plan.RequiredEvidence[from], spec.Transitions.Phases[from].RequiredEvidence);
            Assert.Equal(plan.PhaseDefinitions[from].Description, spec.Phases[from].Description);
        }

        Assert.Equal(
            plan.Autonomy.Levels.Select(l => (l.Id, l.Description, l.AllowUpTo, l.EscalateUpTo)),
            spec.AutonomyLevels.Select(l => (l.Id, l.Description, l.AllowUpTo, l.EscalateUpTo)));
        Assert.Equal(plan.AutonomyLevels.Count > 0 ? plan.DefaultAutonomyLevel : -1, spec.DefaultAutonomyLevel);
        Assert.Equal(plan.RuleCatalog.Select(r => (r.Id, r.Description)), spec.RuleIds.Select(r => (r.Id, r.Description)));
        Assert.Equal(plan.Escalation.Select(e => (e.Rule.Id, e.Rule.Severity)), spec.Escalation.Select(e => (e.Id, e.Severity)));
    }

    [Fact]
    public void The_autonomy_table_follows_the_thresholds_the_generator_emits()
    {
        var (path, yaml) = Policy("overrides");
        var plan = Compile(path, yaml);

        var careful = plan.Autonomy.Levels[plan.IndexOfAutonomyLevel("careful")];
        Assert.Equal((plan.IndexOfRisk("none"), plan.IndexOfRisk("medium")), (careful.AllowUpTo, careful.EscalateUpTo));
        for (var l = 0; l < plan.AutonomyLevels.Count; l++)
        {
            var level = plan.Autonomy.Levels[l];
            for (var r = 0; r < plan.RiskLevels.Count; r++)
            {
                var expected = r <= level.AllowUpTo ? Verdict.Allow : r <= level.EscalateUpTo ? Verdict.Escalate : Verdict.Deny;
                Assert.Equal(expected, plan.AutonomyTable[(l * plan.RiskLevels.Count) + r]);
            }
        }
    }

    [Fact]
    public void Overridden_verdicts_reach_the_plan()
    {
        var (path, yaml) = Policy("overrides");
        var t = Compile(path, yaml).Transitions;

        Assert.Equal(Verdict.Escalate, t.VerdictFor(TransitionKind.Skip));
        Assert.Equal(Verdict.Deny, t.VerdictFor(TransitionKind.Backtrack));
        Assert.Equal(Verdict.Escalate, t.VerdictFor(TransitionKind.Forward));
        Assert.Equal(Verdict.Deny, t.VerdictFor(TransitionKind.Same));
        Assert.Equal("X-SAME", t.RuleFor(TransitionKind.Same).Id);
        // unknownPhase: allow is written, but an index the plan does not know is never allowed.
        Assert.Equal(Verdict.Allow, t.UnknownPhase.Verdict);
        Assert.Equal(Verdict.Escalate, t.UnknownIndex);
    }

    internal static PolicyPlan Compile(string path, string yaml)
    {
        var compiled = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, path), PolicyChecks.None);
        Assert.True(compiled.Succeeded, string.Join(Environment.NewLine, compiled.Diagnostics));
        return compiled.Plan!;
    }
}
