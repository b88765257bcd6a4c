using System.CommandLine;
using Autopilot.Core.Escalation;
using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot escalate --signals FILE|-`: should a human be called in, given the run's signals?</summary>
internal static class EscalateCommand
{
    public static Command Create()
    {
        var signals = new Option<string>("--signals", "-s") { Description = "A JSON object of run signals, from a file or '-' for standard input.", Required = true };
        var record = new Option<bool>("--record") { Description = "Record a firing escalation in the ledger (needs the task: --task or \"task\" in the signals)." };
        var task = new Option<string?>("--task", "-t") { Description = "The task the signals belong to." };
        var actor = StateOptions.Actor();
        var state = StateOptions.StateDir();
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("escalate", "Evaluate the escalation rules over a record of run signals.") { signals, record, task, actor, state, policy, format, repo };
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
                return CommonOptions.BadInput(RuleIds.InputSignals, ex.Message, outputFormat, engine.PolicyHash);
            }

            parsed.Task = result.GetValue(task) ?? parsed.Task;
            var decision = new EscalationEvaluator(engine).Evaluate(parsed);
            var stateDir = StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!);
            var facts = new DecisionFacts { Task = parsed.Task, Phase = parsed.Phase, Signals = parsed.ToDictionary() };
            if (!result.GetValue(record) || decision.Verdict == Verdict.Allow)
            {
                // Not an escalation entry: the decision log records it on its own (when the ledger is kept).
                DecisionRecording.Record(engine, stateDir, result.GetValue(actor)!, DecisionQuestions.Escalation, decision, facts);
            }
            else
            {
                if (parsed.Task is null)
                {
                    return CommonOptions.BadInput(RuleIds.InputSignals, "--record needs the task: --task or \"task\" in the signals.", outputFormat, engine.PolicyHash);
                }

                try
                {
                    DecisionRecording.RecordAs(LedgerEntryKind.Escalation, engine, stateDir, result.GetValue(actor)!, DecisionQuestions.Escalation, decision, facts);
                }
                catch (Exception ex) when (StateOptions.IsStateFailure(ex))
                {
                    return CommonOptions.BadInput(RuleIds.State, $"the ledger cannot be used: {ex.Message}", outputFormat, engine.PolicyHash);
                }
            }

            return CommonOptions.Emit(decision, outputFormat, "escalation");
        });
        return command;
    }
}
