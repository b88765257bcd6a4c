using Autopilot.Policy.Model;

namespace Autopilot.Core.Decisions;

/// <summary>One reason behind a decision: which rule said what, how seriously, and where.</summary>
/// <remarks>Value equality over all members; <see cref="Location"/> is null when the finding has no place.</remarks>
public sealed record Finding(string RuleId, Severity Severity, string Message, SourceLocation? Location = null)
{
    /// <summary>Where the rule that produced this finding is written (policy file and line); null for a rule the policy does not write down.</summary>
    public SourceLocation? RuleSource { get; init; }

    /// <summary>The rule's enforcement level; a <see cref="Enforcement.Warn"/> finding never blocks (its severity is at most a warning).</summary>
    public Enforcement Enforcement { get; init; }

    /// <summary>For a warn or shadow finding: the severity the rule would have had if enforced; null otherwise.</summary>
    public Severity? Intended { get; init; }

    /// <summary>The severity the rule asks for when enforced (<see cref="Intended"/> when it was softened, else <see cref="Severity"/>).</summary>
    public Severity IntendedSeverity => Intended ?? Severity;

    public override string ToString() => Location is null
        ? $"{Severity.ToWire()} {RuleId}: {Message}"
        : $"{Location}: {Severity.ToWire()} {RuleId}: {Message}";
}
