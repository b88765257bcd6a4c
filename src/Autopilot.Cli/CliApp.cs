using System.CommandLine;
using Autopilot.Cli.Commands;
using Autopilot.Core.Telemetry;

namespace Autopilot.Cli;

/// <summary>Builds the command tree; each command lives in its own file under Commands/.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        Storage.Postgres.PostgresStateBackend.Register();
        var root = new RootCommand("autopilot: policy gates for autonomous coding agents — phases, actions, changes, escalation.");
        root.Subcommands.Add(GateCommand.Create());
        root.Subcommands.Add(PolicyCommand.Create());
        root.Subcommands.Add(WorkOrderCommand.Create());
        root.Subcommands.Add(TransitionCommand.Create());
        root.Subcommands.Add(EscalateCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(FailureCommand.Create());
        root.Subcommands.Add(LedgerCommand.Create());
        root.Subcommands.Add(LeaseCommand.Create());
        root.Subcommands.Add(AttestCommand.Create());
        root.Subcommands.Add(HookCommand.Create());
        root.Subcommands.Add(InstallCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(ApproveCommand.Create());
        root.Subcommands.Add(StoreCommand.Create());
        root.Options.Add(StateOptions.Store);
        try
        {
            using var telemetry = TelemetrySetup.StartFromEnvironment();
            var parsed = root.Parse(args);
            StateOptions.ExplicitStore = parsed.GetValue(StateOptions.Store);
            return parsed.Invoke();
        }
        catch (Exception ex)
        {
            // Never a stack trace as the only message, and never an allow: report and fail closed.
            Console.Error.WriteLine($"autopilot: internal error: {ex.Message}");
            return (int)ExitCode.InternalError;
        }
    }
}
