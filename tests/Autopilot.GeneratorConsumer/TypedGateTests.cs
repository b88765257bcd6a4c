using Autopilot.Core.Gates;
using Autopilot.Core.Policies;
using Autopilot.GeneratorConsumer.Policies;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;
using static Autopilot.GeneratorConsumer.Policies.DefaultPolicy;

namespace Autopilot.GeneratorConsumer;

/// <summary>The gates the generator compiled from policies/default.policy.yaml, used through their typed API.</summary>
public sealed class TypedGateTests
{
    private static readonly PolicyEngine s_engine = PolicySource.Load(null).Engine ?? throw new InvalidOperationException("The built-in default policy does not compile.");

    [Fact]
    public void The_generated_gates_were_built_from_the_same_policy_the_engine_loads()
    {
        Assert.Equal(DefaultPolicy.Hash, s_engine.PolicyHash);
        Assert.Equal("default", DefaultPolicy.Name);
        Assert.Equal(PhaseCount, s_engine.Plan.PhaseCount);
        Assert.Equal((int)Phase.Verify, s_engine.Plan.IndexOfPhase("verify"));
        Assert.Equal((int)DefaultAutonomyLevel, s_engine.Plan.DefaultAutonomyLevel);
    }

    [Fact]
    public void Leaving_a_phase_needs_its_evidence()
    {
        var missing = Transitions.Check(Phase.Implement, Phase.Verify, Evidence.None);
        var done = Transitions.Check(Phase.Implement, Phase.Verify, RequiredToLeave(Phase.Implement));

        Assert.Equal(new TransitionOutcome(Verdict.Deny, TransitionKind.Forward, (ulong)Evidence.GitDiff), missing);
        Assert.Equal(Verdict.Allow, done.Verdict);
        Assert.Equal(Evidence.TestResults | Evidence.BuildOutput, RequiredToLeave(Phase.Verify));
    }

    [Fact]
    public void Skips_are_denied_backtracks_allowed_and_unknown_phases_fail_closed()
    {
        Assert.Equal(new TransitionOutcome(Verdict.Deny, TransitionKind.Skip, 0), Transitions.Check(Phase.Spec, Phase.Implement, Evidence.Spec));
        Assert.Equal(new TransitionOutcome(Verdict.Allow, TransitionKind.Backtrack, 0), Transitions.Check(Phase.Review, Phase.Implement, Evidence.None));
        Assert.Equal(Verdict.Deny, Transitions.Check((Phase)42, Phase.Spec, Evidence.None).Verdict);
        Assert.Equal(Verdict.Deny, ((ITransitionGate)Transitions).Check(-1, 0, ulong.MaxValue).Verdict);
    }

    [Fact]
    public void Autonomy_follows_the_levels()
    {
        Assert.Equal(Verdict.Allow, Autonomy.Check(AutonomyLevel.ExecuteSafe, RiskLevel.Low));
        Assert.Equal(Verdict.Escalate, Autonomy.Check(AutonomyLevel.ExecuteSafe, RiskLevel.High));
        Assert.Equal(Verdict.Deny, Autonomy.Check(AutonomyLevel.ExecuteSafe, RiskLevel.Critical));
        Assert.Equal(Verdict.Escalate, Autonomy.Check(AutonomyLevel.FullAuto, RiskLevel.Critical));
        Assert.Equal(Verdict.Deny, Autonomy.Check((AutonomyLevel)99, RiskLevel.None));
    }

    [Fact]
    public void Escalation_rules_fire_on_typed_signals()
    {
        var quiet = new Signals { Confidence = 0.9, TopOptionScoreGap = 1, BudgetUsedFraction = 0.2 };
        var noisy = quiet with { ConsecutiveFailures = 4, OptionCount = 3, TopOptionScoreGap = 0.05 };

        Assert.Equal(EscalationRules.None, Escalation.Evaluate(quiet));
        Assert.Equal(EscalationRules.ApEscConsecutiveFailures | EscalationRules.ApEscCloseOptions, Escalation.Evaluate(noisy));
        Assert.Equal("AP-ESC-CLOSE-OPTIONS", IdOf(EscalationRules.ApEscCloseOptions));
    }

    [Fact]
    public void The_engine_runs_on_the_generated_gates()
    {
        var engine = new PolicyEngine(s_engine.Plan, Transitions, Autonomy, Escalation);
        var signals = new double[Signals.Count];
        signals[SignalNames.IndexOf("budgetUsedFraction")] = 1.0;
        signals[SignalNames.IndexOf("confidence")] = 1;
        signals[SignalNames.IndexOf("topOptionScoreGap")] = 1;

        Assert.Same(Transitions, engine.TransitionGate);
        Assert.Equal(s_engine.EscalationGate.Evaluate(signals), engine.EscalationGate.Evaluate(signals));
        Assert.Equal((ulong)(EscalationRules.ApEscBudgetNearlySpent | EscalationRules.ApEscBudgetSpent), engine.EscalationGate.Evaluate(signals));
    }

    [Fact]
    public void Names_map_both_ways()
    {
        Assert.True(TryParse("execute_review", out AutonomyLevel level));
        Assert.Equal(AutonomyLevel.ExecuteReview, level);
        Assert.Equal("edge_cases", IdOf(Evidence.EdgeCases));
        Assert.False(TryParse("nope", out Phase _));
        Assert.Throws<ArgumentOutOfRangeException>(() => IdOf((Phase)77));
    }
}
