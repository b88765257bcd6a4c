using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>When a run's signals meet <see cref="Condition"/> (and <see cref="When"/>, if given), call a human.</summary>
public sealed record EscalationRuleDef
{
    public string Id { get; init; } = "";
    public Severity Severity { get; init; } = Severity.Escalate;
    public string Message { get; init; } = "";
    public ConditionDef? Condition { get; init; }
    public Located<string>? When { get; init; }

    /// <summary>enforce (default), warn or shadow: see <see cref="Model.Enforcement"/>.</summary>
    public Enforcement Enforcement { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>
/// A declarative condition over numeric signals: a comparison (<see cref="Signal"/> <see cref="Op"/> <see cref="Value"/>),
/// or all / any of nested conditions.
/// </summary>
public sealed record ConditionDef
{
    public string? Signal { get; init; }
    public string Op { get; init; } = ">=";
    public double Value { get; init; }
    public IReadOnlyList<ConditionDef> All { get; init; } = [];
    public IReadOnlyList<ConditionDef> Any { get; init; } = [];
    public SourceLocation? Location { get; init; }
}

public sealed record FailureSettings
{
    /// <summary>Retries allowed for a retryable failure before it counts as final.</summary>
    public int MaxRetries { get; init; } = 3;

    public IReadOnlyList<FailureClassDef> Classes { get; init; } = [];

    /// <summary>Whether a failure no class matches is retried.</summary>
    public bool RetryUnknown { get; init; }
}

/// <summary>A class of failure, matched by kind or by a pattern over the error message.</summary>
public sealed record FailureClassDef
{
    public string Id { get; init; } = "";
    public bool Retry { get; init; }
    public string Message { get; init; } = "";
    public IReadOnlyList<string> Kinds { get; init; } = [];
    public IReadOnlyList<string> Patterns { get; init; } = [];
    public SourceLocation? Location { get; init; }
}

public sealed record ToolSettings
{
    /// <summary>Tools every phase may call (globs), on top of each phase's own list.</summary>
    public IReadOnlyList<string> Always { get; init; } = [];

    public OutcomeRule NotAllowed { get; init; } = new(RuleIds.ToolPhase, Verdict.Deny, "Tool '{tool}' is not allowed in phase '{phase}'.");
}

public sealed record AttestationSettings
{
    public Severity DefaultDrift { get; init; } = Severity.Warning;
    public string RuleId { get; init; } = RuleIds.AttestDrift;
    public string Message { get; init; } = "Recorded {subject} hash changed in phase '{phase}': {expected} → {actual}.";
}
