using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Gates;

/// <summary>
/// The hot-path questions, over indices from the plan. The interpreter implements them over the plan's
/// tables; the source generator emits typed implementations of the same interfaces, so a caller can
/// swap one for the other and tests can prove they agree.
/// </summary>
public interface ITransitionGate
{
    /// <summary>May a task move from phase <paramref name="from"/> to <paramref name="to"/>, given the
    /// evidence (bit i = evidence i is present and valid)? Never allocates.</summary>
    TransitionOutcome Check(int from, int to, ulong validEvidence);
}

public interface IAutonomyGate
{
    /// <summary>What an actor at autonomy level <paramref name="level"/> may do at risk <paramref name="risk"/>. Never allocates.</summary>
    Verdict Check(int level, int risk);
}

public interface IEscalationGate
{
    /// <summary>Bit i set when escalation rule i's declarative condition holds for these signals
    /// (indexed as <see cref="SignalNames.All"/>). Rules with only a <c>when:</c> predicate never set their bit here.</summary>
    ulong Evaluate(ReadOnlySpan<double> signals);
}

/// <summary>The outcome of a transition check: a verdict, why (the kind of move), and the evidence that was missing.</summary>
public readonly record struct TransitionOutcome(Verdict Verdict, TransitionKind Kind, ulong MissingEvidence);
