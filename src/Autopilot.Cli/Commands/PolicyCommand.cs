using System.CommandLine;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot policy`: the authoring kit (lint, explain, test, schema).</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var command = new Command("policy", "Author policies: lint, explain, test, schema; report on warn/shadow rules; replay decisions under a proposed policy.");
        command.Subcommands.Add(PolicyLintCommand.Create());
        command.Subcommands.Add(PolicyExplainCommand.Create());
        command.Subcommands.Add(PolicyTestCommand.Create());
        command.Subcommands.Add(PolicySchemaCommand.Create());
        command.Subcommands.Add(PolicyReportCommand.Create());
        command.Subcommands.Add(PolicyReplayCommand.Create());
        command.Subcommands.Add(PolicyEffectiveCommand.Create());
        return command;
    }
}
