using System.CommandLine;
using Autopilot.Core.Autonomy;
using Autopilot.Core.Ledger;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot check autonomy --level L --risk R [--task T]`: what an actor at level L (capped by T's work order) may do at risk R.</summary>
internal static class CheckAutonomyCommand
{
    public static Command Create()
    {
        var level = new Option<string>("--level", "-l") { Description = "The actor's autonomy level.", Required = true };
        var risk = new Option<string>("--risk", "-r") { Description = "The action's risk level.", Required = true };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var task = ActionSettling.Task();
        var stateDir = StateOptions.StateDir();
        var command = new Command("autonomy", "Check an autonomy level against a risk level.") { level, risk, policy, format, repo, task, stateDir };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var state = StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!);
            if (ActionOptions.Level(engine, result.GetValue(level), result.GetValue(task), state) is not { } actorLevel)
            {
                return (int)ExitCode.BadInput;
            }

            var decision = new AutonomyEvaluator(engine).Check(actorLevel, result.GetValue(risk)!);
            DecisionRecording.Record(engine, state, DecisionRecording.DefaultActor(), DecisionQuestions.Autonomy, decision,
                new DecisionFacts { Level = actorLevel, Risk = result.GetValue(risk) });
            var capped = actorLevel == result.GetValue(level) ? "" : $" (capped from {result.GetValue(level)} by the work order of task {result.GetValue(task)})";
            return CommonOptions.Emit(decision, result.GetValue(format)!, $"level {actorLevel}{capped} at risk {result.GetValue(risk)}");
        });
        return command;
    }
}
