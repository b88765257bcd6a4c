using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>One phase of the task state machine, in the order the policy lists them.</summary>
public sealed record PhaseDef
{
    public string Id { get; init; } = "";
    public string Description { get; init; } = "";

    /// <summary>Ids of the evidence this phase must leave before the task may move on.</summary>
    public IReadOnlyList<Located<string>> Evidence { get; init; } = [];

    /// <summary>Tool name globs this phase may call; null means the policy's tool defaults apply.</summary>
    public IReadOnlyList<Located<string>>? Tools { get; init; }

    /// <summary>Severity of a prompt-attestation drift in this phase; null means the policy default.</summary>
    public Severity? AttestationDrift { get; init; }

    /// <summary>When true, a transition out of this phase needs a held lease (durable-state issue).</summary>
    public bool RequiresLease { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>How phases may move. Forward moves go along <see cref="Edges"/>; anything else forward is a skip.</summary>
public sealed record TransitionSettings
{
    /// <summary>"sequential": each phase leads to the next in order (plus <see cref="Edges"/>); "explicit": only edges.</summary>
    public string Mode { get; init; } = "sequential";

    public IReadOnlyList<TransitionEdgeDef> Edges { get; init; } = [];

    public OutcomeRule Skip { get; init; } = new(RuleIds.PhaseSkip, Verdict.Deny, "Phases move forward one step at a time; '{from}' → '{to}' skips {skipped}.");
    public OutcomeRule Backtrack { get; init; } = new(RuleIds.PhaseBacktrack, Verdict.Allow, "Backtrack from '{from}' to '{to}' is allowed and recorded.");
    public OutcomeRule MissingEvidence { get; init; } = new(RuleIds.EvidenceMissing, Verdict.Deny, "Leaving '{from}' needs evidence '{evidence}' at {path}.");
    public OutcomeRule InvalidEvidence { get; init; } = new(RuleIds.EvidenceInvalid, Verdict.Deny, "Evidence '{evidence}' at {path} is not valid: {reason}.");
    public OutcomeRule UnknownPhase { get; init; } = new(RuleIds.PhaseUnknown, Verdict.Deny, "'{phase}' is not a phase of this policy.");
    public OutcomeRule SamePhase { get; init; } = new(RuleIds.PhaseSame, Verdict.Allow, "The task is already in '{to}'.");
}

public sealed record TransitionEdgeDef(string From, string To, SourceLocation? Location);

/// <summary>A built-in rule whose id, verdict and message a policy may override.</summary>
public sealed record OutcomeRule(string Id, Verdict Verdict, string Message)
{
    public SourceLocation? Location { get; init; }
}
