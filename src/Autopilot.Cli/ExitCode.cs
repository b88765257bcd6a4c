namespace Autopilot.Cli;

/// <summary>
/// The `autopilot` exit codes, documented in the README. Scripts and CI branch on them, so each
/// keeps its meaning forever.
/// </summary>
public enum ExitCode
{
    /// <summary>The decision is allow (or a command that decides nothing succeeded).</summary>
    Allow = 0,

    /// <summary>The command line itself is wrong (unknown command or option, missing argument).</summary>
    Usage = 1,

    /// <summary>The decision is deny.</summary>
    Deny = 2,

    /// <summary>The decision is escalate: a human must look.</summary>
    Escalate = 3,

    /// <summary>Bad input: a policy, signals, diff or other file could not be understood. Fail closed: treat as deny.</summary>
    BadInput = 4,

    /// <summary>An internal error. Fail closed: treat as deny.</summary>
    InternalError = 5,
}
