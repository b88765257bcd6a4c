namespace Autopilot.Policy.Model;

/// <summary>The answer to a question put to the engine. Ordered: a larger value is more restrictive.</summary>
public enum Verdict : byte
{
    Allow = 0,
    Escalate = 1,
    Deny = 2,
}

/// <summary>How serious a finding is. Ordered; <see cref="Escalate"/> and <see cref="Deny"/> decide the verdict.</summary>
public enum Severity : byte
{
    Info = 0,
    Warning = 1,
    Escalate = 2,
    Deny = 3,
}

public static class VerdictExtensions
{
    /// <summary>The verdict a finding of this severity asks for on its own.</summary>
    public static Verdict ToVerdict(this Severity severity) => severity switch
    {
        Severity.Deny => Verdict.Deny,
        Severity.Escalate => Verdict.Escalate,
        _ => Verdict.Allow,
    };

    public static Severity ToSeverity(this Verdict verdict) => verdict switch
    {
        Verdict.Deny => Severity.Deny,
        Verdict.Escalate => Severity.Escalate,
        _ => Severity.Info,
    };

    /// <summary>Lower-case name used in files and JSON output: allow, escalate, deny.</summary>
    public static string ToWire(this Verdict verdict) => verdict switch
    {
        Verdict.Deny => "deny",
        Verdict.Escalate => "escalate",
        _ => "allow",
    };

    public static string ToWire(this Severity severity) => severity switch
    {
        Severity.Deny => "deny",
        Severity.Escalate => "escalate",
        Severity.Warning => "warning",
        _ => "info",
    };

    public static Verdict Max(Verdict a, Verdict b) => a >= b ? a : b;
}
