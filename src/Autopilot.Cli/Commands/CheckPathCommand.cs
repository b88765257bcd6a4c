using System.CommandLine;
using Autopilot.Core.Actions;
using Autopilot.Core.Ledger;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot check path PATH --op read|write|delete`: outside the workspace, escapes, symlinks, protected and secret files.</summary>
internal static class CheckPathCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The file the action reads, writes or deletes." };
        var op = new Option<string>("--op") { Description = "What the action does to it.", Required = true };
        op.AcceptOnlyFromAmong("read", "write", "delete");
        var autonomy = ActionOptions.Autonomy();
        var phase = ActionOptions.Phase();
        var cwd = ActionOptions.Cwd();
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var task = ActionSettling.Task();
        var stateDir = StateOptions.StateDir();
        var actor = StateOptions.Actor();
        var command = new Command("path", "Check a file operation against the workspace and the policy's path rules.") { path, op, autonomy, phase, cwd, policy, format, repo, task, stateDir, actor };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var fileOp = result.GetValue(op) switch { "read" => FileOp.Read, "write" => FileOp.Write, _ => FileOp.Delete };
            var context = ActionOptions.Context(result.GetValue(repo)!, result.GetValue(cwd), result.GetValue(phase)) with { Task = result.GetValue(task) };
            if (ActionOptions.Level(engine, result.GetValue(autonomy), result.GetValue(task), StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!)) is not { } level)
            {
                return (int)ExitCode.BadInput;
            }

            var subject = $"{result.GetValue(op)} {result.GetValue(path)}";
            var decided = engine.Actions.Path(result.GetValue(path)!, fileOp, context, level);
            if (ActionSettling.Settle(decided, "path", subject, context, result.GetValue(stateDir), result.GetValue(repo)!, result.GetValue(actor)!) is not { } decision)
            {
                return (int)ExitCode.BadInput;
            }

            DecisionRecording.Record(engine, StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!), result.GetValue(actor)!, DecisionQuestions.Path, decision, new DecisionFacts
            {
                Path = result.GetValue(path),
                Operation = result.GetValue(op),
                WorkingDirectory = context.WorkingDirectory,
                Repository = context.WorkspaceRoot,
                Level = level,
                Phase = context.Phase,
            });
            return CommonOptions.Emit(decision, result.GetValue(format)!, $"{result.GetValue(op)} {result.GetValue(path)}");
        });
        return command;
    }
}
