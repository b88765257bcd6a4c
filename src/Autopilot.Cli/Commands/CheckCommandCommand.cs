using System.CommandLine;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Ledger;
using Autopilot.Core.Output;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot check command "&lt;cmd&gt;"`: parse the shell command, classify every invocation, decide for this actor.</summary>
internal static class CheckCommandCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("command") { Description = "The shell command, as the agent would run it." };
        var autonomy = ActionOptions.Autonomy();
        var phase = ActionOptions.Phase();
        var cwd = ActionOptions.Cwd();
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var task = ActionSettling.Task();
        var stateDir = StateOptions.StateDir();
        var actor = StateOptions.Actor();
        var command = new Command("command", "Check a shell command: what it really runs, how risky, and whether this actor may run it.") { text, autonomy, phase, cwd, policy, format, repo, task, stateDir, actor };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var context = ActionOptions.Context(result.GetValue(repo)!, result.GetValue(cwd), result.GetValue(phase)) with { Task = result.GetValue(task) };
            if (ActionOptions.Level(engine, result.GetValue(autonomy), result.GetValue(task), StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!)) is not { } level)
            {
                return (int)ExitCode.BadInput;
            }

            // The library's command question (AutopilotEngine.Act asks the same): the risk shown and every explanation come
            // from the matches whose predicate held, without shadow rules.
            var (classification, decided) = engine.Actions.JudgeCommand(result.GetValue(text)!, context, level);
            if (ActionSettling.Settle(decided, "command", result.GetValue(text)!, context, result.GetValue(stateDir), result.GetValue(repo)!, result.GetValue(actor)!) is not { } decision)
            {
                return (int)ExitCode.BadInput;
            }

            DecisionRecording.Record(engine, StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!), result.GetValue(actor)!, DecisionQuestions.Command, decision, new DecisionFacts
            {
                Command = result.GetValue(text),
                WorkingDirectory = context.WorkingDirectory,
                Repository = context.WorkspaceRoot,
                Level = level,
                Phase = context.Phase,
            });
            if (result.GetValue(format) == "json")
            {
                Console.Out.WriteLine(DecisionWriter.ToJson(decision, w => WriteClassification(w, classification, level)));
                return CommonOptions.ExitFor(decision.Verdict);
            }

            Console.Out.WriteLine($"risk: {classification.Risk}{(classification.IsUnknown ? " (not understood)" : "")}, level: {level}");
            return CommonOptions.Emit(decision, "text", result.GetValue(text));
        });
        return command;
    }

    /// <summary>The parsed invocations and the risk, for scripts that want to see what the parser saw.</summary>
    public static void WriteClassification(Utf8JsonWriter w, ActionClassification classification, string level)
    {
        w.WriteString("risk", classification.Risk);
        w.WriteBoolean("understood", !classification.IsUnknown);
        w.WriteString("level", level);
        w.WriteStartArray("effects");
        foreach (var effect in classification.Effects)
        {
            w.WriteStartObject();
            w.WriteString("effect", effect.Kind);
            if (effect.Target is { } target)
            {
                w.WriteString("target", target);
                w.WriteBoolean("targetKnown", !effect.TargetUnknown);
            }

            if (effect.Recursive)
            {
                w.WriteBoolean("recursive", true);
            }

            if (effect.Method is { } method)
            {
                w.WriteString("method", method);
                w.WriteString("host", effect.Host);
            }

            if (effect.Invocation is { } inv)
            {
                w.WriteString("by", inv.Text);
            }

            if (effect.Pack is { } pack)
            {
                w.WriteString("pack", pack);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (classification.Parse is not { } parse)
        {
            return;
        }

        w.WriteStartArray("invocations");
        foreach (var inv in parse.Invocations)
        {
            w.WriteStartObject();
            w.WriteString("program", inv.Program);
            w.WriteStartArray("args");
            foreach (var arg in inv.Args)
            {
                w.WriteStringValue(arg);
            }

            w.WriteEndArray();
            w.WriteStartArray("redirections");
            foreach (var r in inv.Redirections)
            {
                w.WriteStringValue($"{r.Op} {r.Target}");
            }

            w.WriteEndArray();
            w.WriteString("context", inv.Context.ToString());
            w.WriteString("text", inv.Text);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("parseErrors");
        foreach (var error in parse.Errors)
        {
            w.WriteStringValue(error.ToString());
        }

        w.WriteEndArray();
    }
}
