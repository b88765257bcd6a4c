using System.Collections.Generic;

namespace Autopilot.Policy.Model;

public sealed record AutonomySettings
{
    public IReadOnlyList<AutonomyLevelDef> Levels { get; init; } = [];

    /// <summary>The level an actor has when nothing else says.</summary>
    public string Default { get; init; } = "";

    /// <summary>Consecutive successes that move an actor one level up (0: never).</summary>
    public int PromoteAfterSuccesses { get; init; }

    /// <summary>Consecutive failures that move an actor one level down (0: never).</summary>
    public int DemoteAfterFailures { get; init; }

    public OutcomeRule AboveLevel { get; init; } = new(RuleIds.AutonomyEscalate, Verdict.Escalate, "Risk '{risk}' is above what level '{level}' may do alone ('{allow}').");
    public OutcomeRule FarAboveLevel { get; init; } = new(RuleIds.AutonomyDeny, Verdict.Deny, "Risk '{risk}' is far above what level '{level}' may do ('{escalate}' with a human at most).");
}

/// <summary>An autonomy level: risk up to <see cref="AllowUpTo"/> alone, up to <see cref="EscalateUpTo"/> with a human, deny above.</summary>
public sealed record AutonomyLevelDef
{
    public string Id { get; init; } = "";
    public string Description { get; init; } = "";
    public Located<string> AllowUpTo { get; init; } = new("none", null);
    public Located<string> EscalateUpTo { get; init; } = new("none", null);
    public SourceLocation? Location { get; init; }
}
