namespace Autopilot.Policy.Model;

/// <summary>
/// How a rule's findings count (issue 14): <see cref="Enforce"/> decides as written; <see cref="Warn"/> is reported
/// as a warning and never blocks; <see cref="Shadow"/> is evaluated and recorded beside the enforced decision in the
/// decision log, and never shown to the agent. Applies to risk rules, diff rules and escalation rules.
/// </summary>
public enum Enforcement : byte
{
    Enforce = 0,
    Warn = 1,
    Shadow = 2,
}

public static class EnforcementExtensions
{
    /// <summary>The names written in policy files and JSON: enforce, warn, shadow.</summary>
    public static readonly string[] WireNames = ["enforce", "warn", "shadow"];

    public static string ToWire(this Enforcement enforcement) => enforcement switch
    {
        Enforcement.Warn => "warn",
        Enforcement.Shadow => "shadow",
        _ => "enforce",
    };

    public static Enforcement? FromWire(string? wire) => wire switch
    {
        "enforce" => Enforcement.Enforce,
        "warn" => Enforcement.Warn,
        "shadow" => Enforcement.Shadow,
        _ => null,
    };
}
