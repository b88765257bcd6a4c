using System.Collections.Generic;
using Autopilot.Policy.Model;

namespace Autopilot.Policy.Plan;

/// <summary>How a move from one phase to another is classified before evidence is looked at.</summary>
public enum TransitionKind : byte
{
    /// <summary>Along an allowed forward edge: allowed when the phase being left has its evidence.</summary>
    Forward = 0,

    /// <summary>To the phase the task is already in.</summary>
    Same = 1,

    /// <summary>Back to an earlier phase.</summary>
    Backtrack = 2,

    /// <summary>Forward, but not along an edge: phases were skipped.</summary>
    Skip = 3,
}

/// <summary>
/// The validated policy lowered to indices and tables: the one form both the interpreter and the source
/// generator work from. Phases, evidence, risk levels and autonomy levels are numbered in the order the
/// policy lists them.
/// </summary>
public sealed class PolicyPlan
{
    internal PolicyPlan()
    {
    }

    public PolicyDocument Document { get; internal set; } = new();

    public string PolicyHash => Document.Hash;

    /// <summary>The program packs the action classifier reads, loaded and checked (docs/effects.md).</summary>
    public IReadOnlyList<Packs.PackDef> Packs { get; internal set; } = [];

    /// <summary>One hash over <see cref="Packs"/> (<see cref="Packs.PackLoader.HashOf"/>): generated code is used only when it matches.</summary>
    public string PacksHash { get; internal set; } = "";

    public IReadOnlyList<string> Phases { get; internal set; } = [];

    /// <summary>Row-major [from * PhaseCount + to].</summary>
    public TransitionKind[] TransitionTable { get; internal set; } = [];

    /// <summary>Per phase: bit i set when leaving the phase needs evidence i.</summary>
    public ulong[] RequiredEvidence { get; internal set; } = [];

    public IReadOnlyList<EvidenceDef> Evidence { get; internal set; } = [];

    public IReadOnlyList<string> RiskLevels { get; internal set; } = [];

    public IReadOnlyList<string> AutonomyLevels { get; internal set; } = [];

    /// <summary>Row-major [level * RiskLevels.Count + risk]: what an actor at that level may do at that risk.</summary>
    public Verdict[] AutonomyTable { get; internal set; } = [];

    public int DefaultAutonomyLevel { get; internal set; }

    /// <summary>The name of the level an actor has when none is given.</summary>
    public string DefaultAutonomy => AutonomyLevels[DefaultAutonomyLevel];

    public int DefaultRisk { get; internal set; }

    public int UnknownRisk { get; internal set; }

    public IReadOnlyList<EscalationPlan> Escalation { get; internal set; } = [];

    /// <summary>Per phase: the attestation drift severity that applies there.</summary>
    public Severity[] AttestationDrift { get; internal set; } = [];

    /// <summary>Per phase: tool globs it may call (its own list plus tools.always); null when unrestricted.</summary>
    public IReadOnlyList<string>?[] PhaseTools { get; internal set; } = [];

    /// <summary>The policy's exceptions (docs/policy-lifecycle.md), checked; whether one applies depends on the time of the action.</summary>
    public IReadOnlyList<PolicyExceptionDef> Exceptions { get; internal set; } = [];
    /// <summary>
    /// Every rule a finding may name (risk, diff, escalation rules and the built-in outcome rules), by id: where it is
    /// written and its enforcement level. Decisions carry this as their provenance.
    /// </summary>
    public IReadOnlyDictionary<string, PlanRule> Rules { get; internal set; } = new Dictionary<string, PlanRule>();

    public int PhaseCount => Phases.Count;

    public int IndexOfPhase(string name) => IndexOf(Phases, name);

    public int IndexOfRisk(string name) => IndexOf(RiskLevels, name);

    public int IndexOfAutonomyLevel(string name) => IndexOf(AutonomyLevels, name);

    public int IndexOfEvidence(string id)
    {
        for (var i = 0; i < Evidence.Count; i++)
        {
            if (Evidence[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    public TransitionKind Classify(int from, int to) => TransitionTable[(from * Phases.Count) + to];

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Which part of a policy a rule belongs to.</summary>
public enum RuleSection : byte
{
    Risk,
    Diff,
    Escalation,
    Transition,
    Tool,

    /// <summary>The autonomy outcomes (above the level, far above it): they follow from the risk rule that matched.</summary>
    Autonomy,
}

/// <summary>A rule as decisions name it: its id, section, enforcement level and the place it is written (null for a built-in default).</summary>
public sealed record PlanRule(string Id, RuleSection Section, Enforcement Enforcement, SourceLocation? Location);

/// <summary>An escalation rule with its condition lowered to signal indices.</summary>
public sealed record EscalationPlan(EscalationRuleDef Rule, ConditionPlan? Condition);

public enum ConditionOp : byte
{
    GreaterOrEqual,
    Greater,
    LessOrEqual,
    Less,
    Equal,
    NotEqual,
    All,
    Any,
}

/// <summary>A condition over signals: a comparison of signal <see cref="Signal"/> with <see cref="Value"/>, or All/Any of children.</summary>
public sealed record ConditionPlan(ConditionOp Op, int Signal, double Value, IReadOnlyList<ConditionPlan> Children);
