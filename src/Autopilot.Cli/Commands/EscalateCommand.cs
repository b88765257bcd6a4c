using System.CommandLine;
using Autopilot.Core.Escalation;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot escalate --signals FILE|-`: should a human be called in, given the run's signals?</summary>
internal static class EscalateCommand
{
    public static Command Create()
    {
        var signals = new Option<string>("--signals", "-s") { Description = "A JSON object of run signals, from a file or '-' for standard input.", Required = true };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("escalate", "Evaluate the escalation rules over a record of run signals.") { signals, policy, format, repo };
        command.SetAction(result =>
        {
            var outputFormat = result.GetValue(format)!;
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            RunSignals parsed;
            try
            {
                parsed = RunSignals.Parse(CommonOptions.ReadInput(result.GetValue(signals)!));
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                return CommonOptions.BadInput("AP-INPUT-SIGNALS", ex.Message, outputFormat, engine.PolicyHash);
            }

            return CommonOptions.Emit(new EscalationEvaluator(engine).Evaluate(parsed), outputFormat, "escalation");
        });
        return command;
    }
}
