using Autopilot.Core.Actions;
using Autopilot.Core.Evidence;
using Autopilot.Core.Gates;
using Autopilot.Core.Predicates;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Policies;

/// <summary>
/// A compiled policy ready to answer questions: the plan, the gates (interpreted by default; generated
/// ones can be swapped in) and the engines that predicates and evidence checks need.
/// </summary>
public sealed class PolicyEngine
{
    public PolicyEngine(PolicyPlan plan, ITransitionGate? transitions = null, IAutonomyGate? autonomy = null, IEscalationGate? escalation = null)
    {
        Plan = plan;
        TransitionGate = transitions ?? new InterpretedTransitionGate(plan);
        AutonomyGate = autonomy ?? new InterpretedAutonomyGate(plan);
        EscalationGate = escalation ?? new InterpretedEscalationGate(plan);
        Predicates = new PredicateEngine();
        Evidence = new EvidenceInspector(Predicates);
        _actions = new Lazy<ActionEvaluator>(() => new ActionEvaluator(this));
    }

    private readonly Lazy<ActionEvaluator> _actions;

    /// <summary>Action checks (commands, paths, tools); built on first use, since compiling the matchers costs milliseconds.</summary>
    public ActionEvaluator Actions => _actions.Value;

    public PolicyPlan Plan { get; }

    /// <summary>True when the gates are the generated, compiled ones rather than the interpreter.</summary>
    public bool IsCompiled { get; init; }

    public string PolicyHash => Plan.PolicyHash;

    public ITransitionGate TransitionGate { get; }

    public IAutonomyGate AutonomyGate { get; }

    public IEscalationGate EscalationGate { get; }

    public PredicateEngine Predicates { get; }

    public EvidenceInspector Evidence { get; }
}
