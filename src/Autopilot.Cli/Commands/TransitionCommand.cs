using System.CommandLine;
using Autopilot.Core.Evidence;
using Autopilot.Core.Transitions;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot transition --task T --from P --to Q`: may the task move, given its evidence on disk?</summary>
internal static class TransitionCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task", "-t") { Description = "Task id (a folder name under the evidence root).", Required = true };
        var from = new Option<string>("--from") { Description = "The phase the task is in.", Required = true };
        var to = new Option<string>("--to") { Description = "The phase it wants to move to.", Required = true };
        var evidenceRoot = new Option<string?>("--evidence-root") { Description = "Evidence folder (default: the policy's evidence.root under the repository)." };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("transition", "Check a phase transition against the policy and the task's evidence.")
        {
            task, from, to, evidenceRoot, policy, format, repo,
        };
        command.SetAction(result =>
        {
            var repoRoot = result.GetValue(repo)!;
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), repoRoot);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var root = result.GetValue(evidenceRoot) ?? Path.Combine(repoRoot, engine.Plan.Document.Evidence.Root);
            var request = new TransitionRequest(result.GetValue(task)!, result.GetValue(from)!, result.GetValue(to)!, root);
            var outcome = new TransitionEvaluator(engine).Evaluate(request);
            return CommonOptions.Emit(outcome.Decision, result.GetValue(format)!, $"{request.Task} {request.From} → {request.To}", writer =>
            {
                writer.WriteString("task", request.Task);
                writer.WriteString("from", request.From);
                writer.WriteString("to", request.To);
                writer.WriteString("kind", outcome.Kind?.ToString().ToLowerInvariant());
                writer.WriteStartArray("evidence");
                foreach (var report in outcome.Evidence)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", report.Definition.Id);
                    writer.WriteString("path", report.Path);
                    writer.WriteString("status", report.Status.ToString().ToLowerInvariant());
                    if (report.Reason is not null && report.Status != EvidenceStatus.Valid)
                    {
                        writer.WriteString("reason", report.Reason);
                    }

                    if (report.Sha256 is not null)
                    {
                        writer.WriteString("sha256", report.Sha256);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        });
        return command;
    }
}
