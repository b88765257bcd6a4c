using System.CommandLine;
using Autopilot.Core.Autonomy;
using Autopilot.Core.Ledger;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot check autonomy --level L --risk R`: what an actor at level L may do at risk R.</summary>
internal static class CheckAutonomyCommand
{
    public static Command Create()
    {
        var level = new Option<string>("--level", "-l") { Description = "The actor's autonomy level.", Required = true };
        var risk = new Option<string>("--risk", "-r") { Description = "The action's risk level.", Required = true };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("autonomy", "Check an autonomy level against a risk level.") { level, risk, policy, format, repo };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var decision = new AutonomyEvaluator(engine).Check(result.GetValue(level)!, result.GetValue(risk)!);
            DecisionRecording.Record(engine, StateOptions.Resolve(null, result.GetValue(repo)!), DecisionRecording.DefaultActor(), DecisionQuestions.Autonomy, decision,
                new DecisionFacts { Level = result.GetValue(level), Risk = result.GetValue(risk) });
            return CommonOptions.Emit(decision, result.GetValue(format)!, $"level {result.GetValue(level)} at risk {result.GetValue(risk)}");
        });
        return command;
    }
}
