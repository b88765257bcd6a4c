namespace Autopilot.Core.Hooks;

/// <summary>
/// How <see cref="HookRunner"/> judges: where the repository and the policy are, the actor's level, the task and
/// phase, where state lives, and the deadline the answer must meet. <see cref="FromEnvironment"/> reads the
/// <c>AUTOPILOT_*</c> variables; a front end overrides what its options say.
/// </summary>
public sealed record HookSettings
{
    /// <summary>Claude Code's (and Codex's) permission modes mapped onto the default policy's autonomy levels.</summary>
    public const string DefaultModeMap = "plan=plan,default=execute_safe,acceptEdits=execute_review,dontAsk=execute_review,bypassPermissions=full_auto";

    /// <summary>Our own deadline: well inside every agent's hook timeout (Copilot's default, the shortest, is 30 s).</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    /// <summary>The environment variable that sets our own deadline, in milliseconds.</summary>
    public const string DeadlineVariable = "AUTOPILOT_HOOK_DEADLINE_MS";

    /// <summary>The deadline <see cref="DeadlineVariable"/> sets, else <see cref="DefaultDeadline"/>.</summary>
    public static TimeSpan DeadlineFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(DeadlineVariable), out var ms) && ms > 0 ? TimeSpan.FromMilliseconds(ms) : DefaultDeadline;

    /// <summary>The repository when the event names no usable cwd.</summary>
    public required string RepositoryRoot { get; init; }

    public string? PolicyPath { get; init; }

    /// <summary>The actor's autonomy level; else the event's permission mode through <see cref="ModeMap"/>; else the policy's default.</summary>
    public string? Autonomy { get; init; }

    public string? Phase { get; init; }

    /// <summary>The task in play: its phase comes from the ledger, every decision is recorded, and the stop gate checks its evidence.</summary>
    public string? Task { get; init; }

    public string ModeMap { get; init; } = DefaultModeMap;

    /// <summary>The state folder (ledger, signals); <c>.autopilot</c> under the repository when null.</summary>
    public string? StateDir { get; init; }

    public string? Actor { get; init; }

    /// <summary>
    /// The <c>--store</c> given, if any; with <c>AUTOPILOT_STORE</c> and <c>.autopilot/config</c> it picks where the hook's
    /// ledger entries and one-time approvals live (<see cref="Storage.StateStores"/>): a shared store's ledger, one log
    /// for a fleet, or the state folder's files.
    /// </summary>
    public string? Store { get; init; }

    public TimeSpan Deadline { get; init; } = DefaultDeadline;

    /// <summary>One-time approval codes granted through the environment (<c>AUTOPILOT_APPROVE</c>).</summary>
    public IReadOnlyList<string> Approvals { get; init; } = [];

    public static HookSettings FromEnvironment(string repositoryRoot)
    {
        return new HookSettings
        {
            RepositoryRoot = repositoryRoot,
            Autonomy = Environment.GetEnvironmentVariable("AUTOPILOT_AUTONOMY"),
            Phase = Environment.GetEnvironmentVariable("AUTOPILOT_PHASE"),
            Task = Environment.GetEnvironmentVariable("AUTOPILOT_TASK"),
            Actor = Environment.GetEnvironmentVariable("AUTOPILOT_ACTOR"),
            Deadline = DeadlineFromEnvironment(),
            Approvals = (Environment.GetEnvironmentVariable("AUTOPILOT_APPROVE") ?? "")
                .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }
}
