using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>
/// The contexts a command matcher may require (<see cref="CommandMatchDef.Contexts"/>). The shell parser maps
/// each to a flag of its invocations (Autopilot.Core.Shell.InvocationContexts); a test keeps the two lists equal.
/// </summary>
public static class CommandContextNames
{
    public static readonly IReadOnlyList<string> All =
    [
        "pipeline", "substitution", "background", "remote", "inline-code", "wrapped",
        "privileged", "function", "recursive-spawn", "dynamic-args", "subshell", "nested-shell",
    ];
}
