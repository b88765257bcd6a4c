using Autopilot.Policy.Model;

namespace Autopilot.Core.Decisions;

/// <summary>One reason behind a decision: which rule said what, how seriously, and where.</summary>
/// <remarks>Value equality over all members; <see cref="Location"/> is null when the finding has no place.</remarks>
public sealed record Finding(string RuleId, Severity Severity, string Message, SourceLocation? Location = null)
{
    public override string ToString() => Location is null
        ? $"{Severity.ToWire()} {RuleId}: {Message}"
        : $"{Location}: {Severity.ToWire()} {RuleId}: {Message}";
}
