using System.CommandLine;
using Autopilot.Core.Actions;
using Autopilot.Core.Output;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot explain command "&lt;cmd&gt;"`: everything behind a command's decision, stage by stage.</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var command = new Command("explain", "Explain a decision: what the parser saw, what the packs say it does, which rules matched and why.");
        command.Subcommands.Add(CreateCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var text = new Argument<string>("command") { Description = "The shell command, as the agent would run it." };
        var autonomy = ActionOptions.Autonomy();
        var phase = ActionOptions.Phase();
        var cwd = ActionOptions.Cwd();
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("command", "Explain a shell command: invocations, effects and their targets, matching rules with file and line, predicates, the level decision and the safer alternative.")
        {
            text, autonomy, phase, cwd, policy, format, repo,
        };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var context = ActionOptions.Context(result.GetValue(repo)!, result.GetValue(cwd), result.GetValue(phase));
            var level = ActionOptions.Level(engine, result.GetValue(autonomy));
            var explanation = CommandExplanation.Explain(engine, result.GetValue(text)!, context, level);
            if (result.GetValue(format) == "json")
            {
                Console.Out.WriteLine(DecisionWriter.ToJson(explanation.Decision, w =>
                {
                    CheckCommandCommand.WriteClassification(w, explanation.Classification, level);
                    w.WriteStartArray("rules");
                    foreach (var m in explanation.Matches)
                    {
                        w.WriteStartObject();
                        w.WriteString("ruleId", m.Match.RuleId);
                        w.WriteString("risk", m.Match.Risk);
                        w.WriteString("reason", m.Match.Reason);
                        if (m.RuleLocation is { } at)
                        {
                            w.WriteString("file", at.Path);
                            w.WriteNumber("line", at.Line);
                            w.WriteNumber("column", at.Column);
                        }

                        if (m.Match.Rule?.When is { } when)
                        {
                            w.WriteString("when", when.Value);
                            w.WriteBoolean("predicateHeld", m.PredicateHeld == true);
                        }

                        w.WriteBoolean("decided", m.Decided);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("alternatives");
                    foreach (var a in explanation.Alternatives)
                    {
                        w.WriteStringValue(a);
                    }

                    w.WriteEndArray();
                }));
                return CommonOptions.ExitFor(explanation.Decision.Verdict);
            }

            Console.Out.Write(explanation.ToText());
            return CommonOptions.ExitFor(explanation.Decision.Verdict);
        });
        return command;
    }
}
