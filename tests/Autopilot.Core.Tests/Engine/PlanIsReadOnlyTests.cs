using Autopilot.Core.Actions;
using Autopilot.Core.Autonomy;
using Autopilot.Core.Policies;
using Autopilot.Core.Transitions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Tests.Engine;

/// <summary>
/// A caller cannot change a decision by changing what the plan returns (issue 10): every attempt to write into the
/// plan's tables and rules throws, and the engine's decisions, asked again by evaluators built afterwards, are the same.
/// </summary>
public sealed class PlanIsReadOnlyTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private static readonly ActionContext s_context = new("/workspace", "/home/agent") { ResolveSymlinks = false };

    private (Verdict Skip, Verdict Rm, Verdict Autonomy) Decisions(PolicyEngine engine) => (
        new TransitionEvaluator(engine).Evaluate(new TransitionRequest("T-1", "strategize", "implement", _root.Path)).Decision.Verdict,
        new ActionEvaluator(engine).Command("rm -rf /", s_context, "execute_safe").Verdict,
        new AutonomyEvaluator(engine).Check("observe", "high").Verdict);

    [Fact]
    public void Writing_into_the_plan_throws_and_changes_no_decision()
    {
        var engine = EngineFixture.Compile(PolicySource.BuiltInDefaultText());
        var plan = engine.Plan;
        var before = Decisions(engine);
        Assert.Equal((Verdict.Deny, Verdict.Deny, Verdict.Deny), before);

        var skip = plan.IndexOfPhase("strategize") * plan.PhaseCount + plan.IndexOfPhase("implement");
        var rm = plan.Risks.First(r => r.Command?.Programs.Contains("rm") == true);
        var observe = plan.IndexOfAutonomyLevel("observe") * plan.RiskLevels.Count;
        Assert.Throws<NotSupportedException>(() => ((IList<TransitionKind>)plan.TransitionTable)[skip] = TransitionKind.Forward);
        Assert.Throws<NotSupportedException>(() => ((IList<ulong>)plan.RequiredEvidence)[plan.IndexOfPhase("strategize")] = 0);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)rm.Command!.Programs).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<RiskRuleDef>)plan.Risks).Clear());
        Assert.Throws<NotSupportedException>(() => ((IList<Verdict>)plan.AutonomyTable)[observe + plan.IndexOfRisk("high")] = Verdict.Allow);
        Assert.Throws<NotSupportedException>(() => ((IList<AutonomyLevelPlan>)plan.Autonomy.Levels).Clear());

        Assert.Equal(before, Decisions(engine));
        Assert.Equal(before, Decisions(new PolicyEngine(plan)));
    }
}
