using Autopilot.Core.Actions;
using Autopilot.Core.Effects;
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

    /// <summary>The time policy exceptions are judged at (they expire); the system clock unless a test sets another.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>True when the gates are the generated, compiled ones rather than the interpreter.</summary>
    public bool IsCompiled { get; init; }

    /// <summary>True when what programs do is answered by the resolver generated from the packs, not by the interpreter.</summary>
    public bool EffectsCompiled => _effectsOverride is not null and not ProgramPacks;

    private readonly IEffectResolver? _effectsOverride;
    private IEffectResolver? _effects;

    /// <summary>
    /// What programs do (docs/effects.md): the generated resolver when one was given (the built-in default policy's,
    /// when its packs are the ones it was generated from), the interpreter over the plan's packs otherwise.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.AllowNull]
    internal IEffectResolver Effects
    {
        // Two threads may both build the interpreter on first use; they build the same thing and one is kept.
        get => _effects ??= _effectsOverride ?? new ProgramPacks(Plan.Packs);
        init => _effectsOverride = value;
    }

    public string PolicyHash => Plan.PolicyHash;

    public ITransitionGate TransitionGate { get; }

    public IAutonomyGate AutonomyGate { get; }

    public IEscalationGate EscalationGate { get; }

    internal PredicateEngine Predicates { get; }

    internal EvidenceInspector Evidence { get; }
}
