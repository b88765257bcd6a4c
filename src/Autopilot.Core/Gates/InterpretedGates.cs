using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Gates;

/// <summary>
/// Transition checks over the plan's table: one lookup and a bit test. The verdicts are the plan's
/// (<see cref="PolicyPlan.Transitions"/>), the ones the generated gate is emitted from; the tables are private copies.
/// </summary>
internal sealed class InterpretedTransitionGate : ITransitionGate
{
    private readonly TransitionKind[] _table;
    private readonly ulong[] _required;
    private readonly int _phaseCount;
    private readonly Verdict _skip;
    private readonly Verdict _backtrack;
    private readonly Verdict _missing;
    private readonly Verdict _same;
    private readonly Verdict _unknown;

    public InterpretedTransitionGate(PolicyPlan plan)
    {
        _table = [.. plan.TransitionTable];
        _required = [.. plan.RequiredEvidence];
        _phaseCount = plan.PhaseCount;
        var t = plan.Transitions;
        _skip = t.VerdictFor(TransitionKind.Skip);
        _backtrack = t.VerdictFor(TransitionKind.Backtrack);
        _missing = t.VerdictFor(TransitionKind.Forward);
        _same = t.VerdictFor(TransitionKind.Same);
        _unknown = t.UnknownIndex;
    }

    public TransitionOutcome Check(int from, int to, ulong validEvidence)
    {
        if ((uint)from >= (uint)_phaseCount || (uint)to >= (uint)_phaseCount)
        {
            // An index the plan does not know can only come from a bug or bad input: fail closed.
            return new TransitionOutcome(_unknown, TransitionKind.Skip, 0);
        }

        var kind = _table[(from * _phaseCount) + to];
        switch (kind)
        {
            case TransitionKind.Forward:
                var missing = _required[from] & ~validEvidence;
                return new TransitionOutcome(missing == 0 ? Verdict.Allow : _missing, kind, missing);
            case TransitionKind.Backtrack:
                return new TransitionOutcome(_backtrack, kind, 0);
            case TransitionKind.Same:
                return new TransitionOutcome(_same, kind, 0);
            default:
                return new TransitionOutcome(_skip, kind, 0);
        }
    }
}

/// <summary>Autonomy checks over the plan's level × risk table.</summary>
internal sealed class InterpretedAutonomyGate : IAutonomyGate
{
    private readonly Verdict[] _table;
    private readonly int _riskCount;
    private readonly int _levelCount;

    public InterpretedAutonomyGate(PolicyPlan plan)
    {
        _table = [.. plan.AutonomyTable];
        _riskCount = plan.RiskLevels.Count;
        _levelCount = plan.AutonomyLevels.Count;
    }

    public Verdict Check(int level, int risk) =>
        (uint)level < (uint)_levelCount && (uint)risk < (uint)_riskCount ? _table[(level * _riskCount) + risk] : Verdict.Deny;
}

/// <summary>Escalation conditions evaluated over the plan's lowered condition trees.</summary>
internal sealed class InterpretedEscalationGate : IEscalationGate
{
    private readonly ConditionPlan?[] _conditions;

    public InterpretedEscalationGate(PolicyPlan plan)
    {
        _conditions = plan.Escalation.Select(e => e.Condition).ToArray();
    }

    public ulong Evaluate(ReadOnlySpan<double> signals)
    {
        var fired = 0UL;
        for (var i = 0; i < _conditions.Length && i < 64; i++)
        {
            if (_conditions[i] is { } condition && Holds(condition, signals))
            {
                fired |= 1UL << i;
            }
        }

        return fired;
    }

    // Recursion over the lowered tree; no allocation (the plan's own Evaluate takes an array for netstandard2.0).
    private static bool Holds(ConditionPlan c, ReadOnlySpan<double> signals)
    {
        switch (c.Op)
        {
            case ConditionOp.All:
                for (var i = 0; i < c.Children.Count; i++)
                {
                    if (!Holds(c.Children[i], signals))
                    {
                        return false;
                    }
                }

                return true;
            case ConditionOp.Any:
                for (var i = 0; i < c.Children.Count; i++)
                {
                    if (Holds(c.Children[i], signals))
                    {
                        return true;
                    }
                }

                return false;
        }

        var actual = (uint)c.Signal < (uint)signals.Length ? signals[c.Signal] : 0;
        return c.Op switch
        {
            ConditionOp.GreaterOrEqual => actual >= c.Value,
            ConditionOp.Greater => actual > c.Value,
            ConditionOp.LessOrEqual => actual <= c.Value,
            ConditionOp.Less => actual < c.Value,
            ConditionOp.Equal => actual == c.Value,
            _ => actual != c.Value,
        };
    }
}
