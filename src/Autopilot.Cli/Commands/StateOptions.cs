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
    /// The state folder's file ledger. The decision log, exception uses and one-time approvals are kept there: they do not
    /// follow <c>--store</c> yet (the transition, escalation, lease and attestation records do).
    /// </summary>
    public static FileLedgerStore OpenLedger(string stateDir) => FileLedgerStore.Open(LedgerDir(stateDir));

    public static string LedgerDir(string stateDir) => Path.Combine(stateDir, "ledger");

    /// <summary>Failures of the state on disk: reported as bad input, never as a crash.</summary>
    public static bool IsStateFailure(Exception ex) => ex is StorageException or LedgerCorruptException or IOException or UnauthorizedAccessException;
}
