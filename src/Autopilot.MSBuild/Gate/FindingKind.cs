namespace Autopilot.MSBuild.Gate;

/// <summary>How a finding shows in the build: an error fails it, a warning does not, a message is only logged.</summary>
internal enum FindingKind
{
    Message,
    Warning,
    Error,
}

internal static class FindingKinds
{
    /// <summary>
    /// deny → error; escalate → warning (error with AutopilotEscalateAsError: a build nobody watches
    /// cannot call a human in); warning → warning; info → message. An unknown severity is an error:
    /// a newer tool's word this task does not know must not pass silently.
    /// </summary>
    public static FindingKind For(string severity, bool escalateAsError) => severity switch
    {
        "deny" => FindingKind.Error,
        "escalate" => escalateAsError ? FindingKind.Error : FindingKind.Warning,
        "warning" => FindingKind.Warning,
        "info" => FindingKind.Message,
        _ => FindingKind.Error,
    };
}
