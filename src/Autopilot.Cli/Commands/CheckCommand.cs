using System.CommandLine;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot check`: may this actor do this action now?</summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var command = new Command("check", "Check an action: autonomy level against risk, tools per phase.");
        command.Subcommands.Add(CheckAutonomyCommand.Create());
        command.Subcommands.Add(CheckToolCommand.Create());
        return command;
    }
}
