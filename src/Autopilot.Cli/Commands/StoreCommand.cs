using System.CommandLine;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot store`: the shared database a fleet keeps its state in (migrate, import).</summary>
internal static class StoreCommand
{
    public static Command Create()
    {
        var command = new Command("store", "The state store: create or upgrade a PostgreSQL schema, import a file ledger into it.");
        command.Subcommands.Add(StoreMigrateCommand.Create());
        command.Subcommands.Add(StoreImportCommand.Create());
        return command;
    }
}
