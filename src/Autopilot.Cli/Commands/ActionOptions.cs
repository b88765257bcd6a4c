using System.CommandLine;
using Autopilot.Core.Actions;
using Autopilot.Core.Policies;
using Autopilot.Core.WorkOrders;

namespace Autopilot.Cli.Commands;

/// <summary>Options the action checks share: the actor's level, the phase, and where the action happens.</summary>
internal static class ActionOptions
{
    public static Option<string?> Autonomy() => new("--autonomy", "-a") { Description = "The actor's autonomy level (default: the policy's default level)." };

    public static Option<string?> Phase() => new("--phase") { Description = "The task's current phase (applies the phase's tool guard)." };

    public static Option<string?> Cwd() => new("--cwd") { Description = "Working directory of the action (default: the current folder)." };

    public static string Level(PolicyEngine engine, string? given) => given ?? engine.Plan.DefaultAutonomy;

    /// <summary>
    /// The level the actions of <paramref name="task"/> are judged at: the given level (else the policy's default), capped
    /// by the task's work order (docs/work-orders.md). Null when the task's recorded constraints cannot be read (said on
    /// stderr): exit with bad input.
    /// </summary>
    public static string? Level(PolicyEngine engine, string? given, string? task, string stateDir)
    {
        try
        {
            return WorkOrderConstraints.CapLevel(engine.Plan, stateDir, task, Level(engine, given));
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine($"autopilot: {ex.Message}");
            return null;
        }
    }

    public static ActionContext Context(string repoRoot, string? cwd, string? phase) =>
        ActionContext.ForCurrentUser(Path.GetFullPath(repoRoot)) with
        {
            WorkingDirectory = Path.GetFullPath(cwd ?? Directory.GetCurrentDirectory()),
            Phase = phase,
        };
}
