using System;
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
/// The validated policy lowered to indices, tables and read-only copies: the one form evaluation reads. The interpreter
/// (<c>Autopilot.Core</c>), the change gate, the CLI's evaluation commands and the source generator all work from it.
/// Phases, evidence, risk levels and autonomy levels are numbered in the order the policy lists them.
/// </summary>
/// <remarks>
/// Immutable: every list is a read-only copy made by <see cref="PlanBuilder"/> (writing through a cast throws), so a
/// caller cannot change a decision by changing what the plan returns. The document the plan was lowered from is kept
/// only as <see cref="Source"/>, for the authoring kit.
/// </remarks>
public sealed class PolicyPlan
{
    // Only PlanBuilder makes a plan, and it sets every member (the null! defaults are never seen).
    internal PolicyPlan()
    {
    }

    /// <summary>
    /// The policy as written (after layering), for the authoring kit only: the commands that print or check the policy
    /// itself (<c>policy effective</c>, <c>policy explain</c>, <c>policy test</c>'s coverage, <c>workorder</c> checks).
    /// Evaluation never reads it: what a decision needs is lowered into the plan's other members (docs/architecture.md).
    /// </summary>
    public PolicyDocument Source { get; internal set; } = null!;

    /// <summary>SHA-256 (hex) of the policy's bytes: every decision names the policy that made it.</summary>
    public string PolicyHash { get; internal set; } = "";

    /// <summary>The file the policy was read from; empty for a policy read from text (the built-in default).</summary>
    public string SourcePath { get; internal set; } = "";

    /// <summary>The policy's name, version and description.</summary>
    public PolicyMetadata Metadata { get; internal set; } = null!;

    /// <summary>The program packs the action classifier reads, loaded and checked (docs/effects.md).</summary>
    public IReadOnlyList<Packs.PackDef> Packs { get; internal set; } = [];

    /// <summary>One hash over <see cref="Packs"/> (<see cref="Packs.PackLoader.HashOf"/>): generated code is used only when it matches.</summary>
    public string PacksHash { get; internal set; } = "";

    public IReadOnlyList<string> Phases { get; internal set; } = [];

    /// <summary>The phases as defined (description, evidence, tools, lease), in the order of <see cref="Phases"/>.</summary>
    public IReadOnlyList<PhaseDef> PhaseDefinitions { get; internal set; } = [];

    /// <summary>Row-major [from * PhaseCount + to].</summary>
    public IReadOnlyList<TransitionKind> TransitionTable { get; internal set; } = [];

    /// <summary>The outcome rule and verdict of each kind of move: what both the interpreted and the generated transition gates answer.</summary>
    public TransitionPlan Transitions { get; internal set; } = null!;

    /// <summary>Per phase: bit i set when leaving the phase needs evidence i.</summary>
    public IReadOnlyList<ulong> RequiredEvidence { get; internal set; } = [];

    public IReadOnlyList<EvidenceDef> Evidence { get; internal set; } = [];

    /// <summary>The folder under which each task keeps its evidence (<c>evidence.root</c>), relative to the repository.</summary>
    public string EvidenceRoot { get; internal set; } = "";

    public IReadOnlyList<string> RiskLevels { get; internal set; } = [];

    public IReadOnlyList<string> AutonomyLevels { get; internal set; } = [];

    /// <summary>Row-major [level * RiskLevels.Count + risk]: what an actor at that level may do at that risk.</summary>
    public IReadOnlyList<Verdict> AutonomyTable { get; internal set; } = [];

    /// <summary>The autonomy levels with their risk thresholds, and the outcome rules of an action above a level.</summary>
    public AutonomyPlan Autonomy { get; internal set; } = null!;

    public int DefaultAutonomyLevel { get; internal set; }

    /// <summary>The name of the level an actor has when none is given.</summary>
    public string DefaultAutonomy => AutonomyLevels[DefaultAutonomyLevel];

    public int DefaultRisk { get; internal set; }

    public int UnknownRisk { get; internal set; }

    /// <summary>The risk rules, in the order the policy lists them.</summary>
    public IReadOnlyList<RiskRuleDef> Risks { get; internal set; } = [];

    /// <summary>How commands are judged as a whole (mode, default and built-in risks, allowlist, path classes).</summary>
    public ActionSettings Actions { get; internal set; } = null!;

    /// <summary>Tools every phase may call and the rule of a tool a phase does not allow.</summary>
    public ToolSettings Tools { get; internal set; } = null!;

    /// <summary>The diff gate's rules, in the order the policy lists them.</summary>
    public IReadOnlyList<DiffRuleDef> Diff { get; internal set; } = [];

    /// <summary>The globs of the protected-paths diff rules, once each: protected for the change gate and for file operations alike.</summary>
    public IReadOnlyList<string> ProtectedPaths { get; internal set; } = [];

    public IReadOnlyList<EscalationPlan> Escalation { get; internal set; } = [];

    /// <summary>Failure classes and the retry cap.</summary>
    public FailureSettings Failures { get; internal set; } = null!;

    /// <summary>The rule id, message and default severity of a prompt-attestation drift.</summary>
    public AttestationSettings Attestation { get; internal set; } = null!;

    /// <summary>Per phase: the attestation drift severity that applies there.</summary>
    public IReadOnlyList<Severity> AttestationDrift { get; internal set; } = [];

    /// <summary>Per phase: tool globs it may call (its own list plus tools.always); null when unrestricted.</summary>
    public IReadOnlyList<IReadOnlyList<string>?> PhaseTools { get; internal set; } = [];

    /// <summary>The policy's exceptions (docs/policy-lifecycle.md), checked; whether one applies depends on the time of the action.</summary>
    public IReadOnlyList<PolicyExceptionDef> Exceptions { get; internal set; } = [];

    /// <summary>
    /// Every rule a finding may name (risk, diff, escalation rules and the built-in outcome rules), by id: where it is
    /// written and its enforcement level. Decisions carry this as their provenance.
    /// </summary>
    public IReadOnlyDictionary<string, PlanRule> Rules { get; internal set; } = new Dictionary<string, PlanRule>();

    /// <summary>
    /// Every rule id a finding can carry, once, with a short description: the built-in outcome rules, then risk,
    /// escalation, failure and diff rules (the first definition wins on a repeat). The generated <c>RuleIds</c> class lists these.
    /// Built on first use: only the generator and the authoring kit ask, not a hook call.
    /// </summary>
    public IReadOnlyList<RuleDescription> RuleCatalog => RuleCatalogSource.Value;

    internal Lazy<IReadOnlyList<RuleDescription>> RuleCatalogSource { get; set; } = new(() => []);

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

/// <summary>
/// The transition outcome rules (ids, verdicts, messages; a policy may override each), and the verdict of each kind of
/// move: the one lowering both the interpreted and the generated transition gates answer from.
/// </summary>
public sealed record TransitionPlan
{
    private static readonly TransitionSettings s_defaults = new();

    public OutcomeRule Skip { get; init; } = s_defaults.Skip;
    public OutcomeRule Backtrack { get; init; } = s_defaults.Backtrack;
    public OutcomeRule MissingEvidence { get; init; } = s_defaults.MissingEvidence;
    public OutcomeRule InvalidEvidence { get; init; } = s_defaults.InvalidEvidence;
    public OutcomeRule UnknownPhase { get; init; } = s_defaults.UnknownPhase;
    public OutcomeRule SamePhase { get; init; } = s_defaults.SamePhase;

    /// <summary>
    /// The verdict for a phase index the plan does not know (only a bug or bad input gives one): the unknown-phase
    /// rule's verdict, but never allow (fail closed).
    /// </summary>
    public Verdict UnknownIndex => VerdictExtensions.Max(UnknownPhase.Verdict, Verdict.Escalate);

    /// <summary>The rule that names a move of this kind: for a forward move, the one of missing evidence (the only way it is not allowed).</summary>
    public OutcomeRule RuleFor(TransitionKind kind) => kind switch
    {
        TransitionKind.Skip => Skip,
        TransitionKind.Backtrack => Backtrack,
        TransitionKind.Same => SamePhase,
        _ => MissingEvidence,
    };

    /// <summary>The verdict for a move of this kind; a forward move gets it only when evidence is missing (allowed otherwise).</summary>
    public Verdict VerdictFor(TransitionKind kind) => RuleFor(kind).Verdict;
}

/// <summary>The autonomy levels with their thresholds, and the rules of an action above a level.</summary>
public sealed record AutonomyPlan
{
    private static readonly AutonomySettings s_defaults = new();

    /// <summary>The levels in the order the policy lists them (the plan's <see cref="PolicyPlan.AutonomyLevels"/> are their ids).</summary>
    public IReadOnlyList<AutonomyLevelPlan> Levels { get; init; } = [];

    /// <summary>An action above what the level may do alone (escalate).</summary>
    public OutcomeRule AboveLevel { get; init; } = s_defaults.AboveLevel;

    /// <summary>An action above what the level may do even with a human (deny).</summary>
    public OutcomeRule FarAboveLevel { get; init; } = s_defaults.FarAboveLevel;
}

/// <summary>
/// An autonomy level: risk indices up to <see cref="AllowUpTo"/> alone, up to <see cref="EscalateUpTo"/> with a human
/// (never below <see cref="AllowUpTo"/>), denied above. The plan's autonomy table is built from these two numbers.
/// </summary>
public sealed record AutonomyLevelPlan(string Id, string Description, int AllowUpTo, int EscalateUpTo);

/// <summary>A rule id a finding can carry and what it is (<c>transitions.skip</c>, <c>diff rule (scope): ...</c>).</summary>
public sealed record RuleDescription(string Id, string Description);

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
