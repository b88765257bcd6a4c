using System.CommandLine;
using Autopilot.Core.Ledger;
using Autopilot.Core.Tools;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot check tool NAME --phase P [--autonomy L]`: may this phase call this tool? With --autonomy, the
/// tool's risk is also checked against the actor's level.
/// </summary>
internal static class CheckToolCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Tool name (Bash, Edit, mcp__server__tool, ...)." };
        var phase = new Option<string>("--phase") { Description = "The task's current phase.", Required = true };
        var autonomy = ActionOptions.Autonomy();
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("tool", "Check a tool call against the phase's tool guard (and, with --autonomy, the actor's level).") { name, phase, autonomy, policy, format, repo };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var decision = result.GetValue(autonomy) is { } level
                ? engine.Actions.Tool(result.GetValue(name)!, ActionOptions.Context(result.GetValue(repo)!, null, result.GetValue(phase)), level)
                : new ToolGuard(engine).Check(result.GetValue(phase)!, result.GetValue(name)!);
            DecisionRecording.Record(engine, StateOptions.Resolve(null, result.GetValue(repo)!), DecisionRecording.DefaultActor(), DecisionQuestions.Tool, decision, new DecisionFacts
            {
                Tool = result.GetValue(name),
                Phase = result.GetValue(phase),
                Level = result.GetValue(autonomy),
                Repository = Path.GetFullPath(result.GetValue(repo)!),
            });
            return CommonOptions.Emit(decision, result.GetValue(format)!, $"tool {result.GetValue(name)} in {result.GetValue(phase)}");
        });
        return command;
    }
}
