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

    public static FileLedgerStore OpenLedger(string stateDir) => FileLedgerStore.Open(Path.Combine(stateDir, "ledger"));

    public static FileLeaseStore OpenLeases(string stateDir) => new(Path.Combine(stateDir, "leases"));

    public static string LedgerDir(string stateDir) => Path.Combine(stateDir, "ledger");

    /// <summary>Failures of the state on disk: reported as bad input, never as a crash.</summary>
    public static bool IsStateFailure(Exception ex) => ex is StorageException or LedgerCorruptException or IOException or UnauthorizedAccessException;
}
