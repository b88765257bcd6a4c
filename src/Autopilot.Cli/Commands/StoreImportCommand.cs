using System.CommandLine;
using Autopilot.Storage.Postgres;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot store import`: copies the file ledger (.autopilot/ledger) into the PostgreSQL store line
/// by line with its hashes unchanged, so the chain and every external checkpoint stay valid; verified
/// before and after. Running it again after a complete import copies nothing.
/// </summary>
internal static class StoreImportCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "The file ledger folder to import (default: the ledger under the state folder)." };
        var state = StateOptions.StateDir();
        var repo = CommonOptions.Repo();
        var command = new Command("import", "Import the file ledger into the PostgreSQL store named by --store, chain intact, verified after import.") { from, state, repo };
        command.SetAction(result =>
        {
            var stateDir = StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!);
            var source = Path.GetFullPath(result.GetValue(from) ?? Path.Combine(stateDir, "ledger"));
            try
            {
                using var stores = StateOptions.OpenStores(result, stateDir);
                if (stores.Backend is not Storage.Postgres.PostgresStateBackend { Database: var database })
                {
                    Console.Error.WriteLine("autopilot: store import needs a PostgreSQL store to import into: --store postgres://user@host:port/db");
                    return (int)ExitCode.BadInput;
                }

                using var ledger = PostgresLedgerStore.Open(database);
                long copied = ledger.Import(source);
                Console.Out.WriteLine($"imported {copied} entries from {source} into {database.Display}; verified: head #{ledger.Head.Sequence} {ledger.Head.Hash}");
                return (int)ExitCode.Allow;
            }
            catch (Exception ex) when (StateOptions.IsStateFailure(ex))
            {
                Console.Error.WriteLine($"autopilot: {ex.Message}");
                return (int)ExitCode.BadInput;
            }
        });
        return command;
    }
}
