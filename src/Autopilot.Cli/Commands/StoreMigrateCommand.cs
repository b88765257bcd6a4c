using System.CommandLine;
using Autopilot.Storage.Postgres;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot store migrate`: creates or upgrades the versioned schema; running it again changes nothing.</summary>
internal static class StoreMigrateCommand
{
    public static Command Create()
    {
        var state = StateOptions.StateDir();
        var repo = CommonOptions.Repo();
        var command = new Command("migrate", "Create or upgrade the PostgreSQL schema named by --store (or AUTOPILOT_STORE, or .autopilot/config). Idempotent.") { state, repo };
        command.SetAction(result =>
        {
            try
            {
                using var stores = StateOptions.OpenStores(result, StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!));
                if (stores.Backend is not Storage.Postgres.PostgresStateBackend { Database: var database })
                {
                    Console.Error.WriteLine("autopilot: store migrate needs a PostgreSQL store: --store postgres://user@host:port/db (the file store has no schema)");
                    return (int)ExitCode.BadInput;
                }

                var (from, to) = PostgresSchema.Migrate(database);
                Console.Out.WriteLine(from == to
                    ? $"{database.Display}: schema already at version {to}"
                    : $"{database.Display}: schema migrated from version {from} to {to}");
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
