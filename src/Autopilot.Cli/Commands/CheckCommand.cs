using System.CommandLine;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot check`: may this actor do this action now?</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var command = new Command("check", "Check an action: a shell command, a file operation, a tool call, or a level against a risk.");
        command.Subcommands.Add(CheckAutonomyCommand.Create());
        command.Subcommands.Add(CheckToolCommand.Create());
        command.Subcommands.Add(CheckCommandCommand.Create());
        command.Subcommands.Add(CheckPathCommand.Create());
        return command;
    }
}
