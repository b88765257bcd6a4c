using System.CommandLine;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;

namespace Autopilot.Cli.Commands;

/// <summary>Where state that outlives a process lives (.autopilot/ by default) and who is acting.</summary>
internal static class StateOptions
{
    public static Option<string?> StateDir() => new("--state-dir") { Description = "State folder (default: .autopilot under the repository)." };

    public static Option<string> Actor() => new("--actor") { Description = "Who acts (recorded in the ledger).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AUTOPILOT_ACTOR") ?? Environment.UserName };

    public static string Resolve(string? stateDir, string repoRoot) => Path.GetFullPath(stateDir ?? Path.Combine(repoRoot, ".autopilot"));

    /// <summary>
    /// <c>--store</c> on every command: files (the default) or a shared PostgreSQL database. Also
    /// <c>AUTOPILOT_STORE</c> or <c>store: …</c> in <c>.autopilot/config</c> (see <see cref="StateStores"/>).
    /// </summary>
    public static Option<string?> Store { get; } = new("--store")
    {
        Description = "Where state lives: files (default) or postgres://user@host:port/db?ledger=name (or a connection string). Also AUTOPILOT_STORE or 'store:' in .autopilot/config.",
        Recursive = true,
    };

    /// <summary>The store the configuration picks for this state folder: the one place the CLI chooses it.</summary>
    public static StateStores OpenStores(ParseResult result, string stateDir) => StateStores.Open(stateDir, result.GetValue(Store));

    /// <summary>
    /// This invocation's <c>--store</c>, for the code that records without a parse result (the decision log, exception
    /// uses): set by the front after parsing (<see cref="CliApp"/>, the native front).
    /// </summary>
    public static string? ExplicitStore { get; set; }

    /// <summary>
    /// The stores for the decision log, exception uses and one-time approvals: the configured shared store (its ledger is
    /// the fleet's one log), else the state folder's files. In a program without the shared store's driver (the native
    /// front) a configured one hands the call to the managed CLI (<see cref="Core.Policies.PolicyHandOffException"/>).
    /// </summary>
    public static StateStores OpenStores(string stateDir) => StateStores.Open(stateDir, ExplicitStore);

    /// <summary>Whether this state folder keeps a ledger: a shared store is configured, or its <c>ledger/</c> folder exists.</summary>
    public static bool KeepsLedger(string stateDir) =>
        StateStores.Resolve(stateDir, ExplicitStore).Target is not null || Directory.Exists(LedgerDir(stateDir));

    public static string LedgerDir(string stateDir) => Path.Combine(stateDir, "ledger");

    /// <summary>Failures of the state on disk: reported as bad input, never as a crash.</summary>
    public static bool IsStateFailure(Exception ex) => ex is StorageException or LedgerCorruptException or IOException or UnauthorizedAccessException;
}
