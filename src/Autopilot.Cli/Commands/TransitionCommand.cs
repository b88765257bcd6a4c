using System.CommandLine;
using Autopilot.Core.Evidence;
using Autopilot.Core.Transitions;
using Autopilot.Core.WorkOrders;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot transition --task T --from P --to Q`: may the task move, given its evidence on disk?</summary>
internal static class TransitionCommand
{
    public static Command Create()
    {
        var taskArgument = new Argument<string?>("task") { Description = "Task id (or use --task).", Arity = ArgumentArity.ZeroOrOne };
        var task = new Option<string?>("--task", "-t") { Description = "Task id (a folder name under the evidence root)." };
        var from = new Option<string?>("--from") { Description = "The phase the task is in. Without it the ledger says, and the outcome is recorded." };
        var record = new Option<bool>("--record") { Description = "Record the outcome in the ledger even when --from is given." };
        var actor = StateOptions.Actor();
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A retried call with the same key records nothing new and answers the first outcome." };
        var state = StateOptions.StateDir();
        var to = new Option<string>("--to") { Description = "The phase it wants to move to.", Required = true };
        var evidenceRoot = new Option<string?>("--evidence-root") { Description = "Evidence folder (default: the policy's evidence.root under the repository)." };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("transition", "Check a phase transition against the policy and the task's evidence.")
        {
            taskArgument, task, from, to, evidenceRoot, record, actor, idempotencyKey, state, policy, format, repo,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(taskArgument) is null) == (result.GetValue(task) is null))
            {
                result.AddError("Give the task once: as an argument or with --task.");
            }
        });
        command.SetAction(result =>
        {
            var repoRoot = result.GetValue(repo)!;
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), repoRoot);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var root = result.GetValue(evidenceRoot) ?? TransitionEvaluator.EvidenceRoot(engine, repoRoot);
            var taskId = result.GetValue(taskArgument) ?? result.GetValue(task)!;
            var fromPhase = result.GetValue(from);
            WorkOrderConstraints? constraints;
            try
            {
                constraints = WorkOrderConstraints.Read(StateOptions.Resolve(result.GetValue(state), repoRoot), taskId);
            }
            catch (InvalidDataException ex)
            {
                return CommonOptions.BadInput(RuleIds.WorkOrder, ex.Message, result.GetValue(format)!, engine.PolicyHash);
            }

            TransitionResult outcome;
            TransitionRequest request;
            long? sequence = null;
            var replayed = false;
            if (fromPhase is null || result.GetValue(record))
            {
                var stateDir = StateOptions.Resolve(result.GetValue(state), repoRoot);
                RecordedTransition recorded;
                try
                {
                    using var stores = StateOptions.OpenStores(result, stateDir);
                    using var ledger = stores.OpenLedger();
                    recorded = new RecordedTransitions(engine, ledger, stores.OpenLeases())
                        .Move(taskId, fromPhase, result.GetValue(to)!, root, result.GetValue(actor)!, result.GetValue(idempotencyKey), constraints);
                }
                catch (Exception ex) when (StateOptions.IsStateFailure(ex))
                {
                    return CommonOptions.BadInput(RuleIds.State, $"the ledger cannot be used: {ex.Message}", result.GetValue(format)!, engine.PolicyHash);
                }

                outcome = recorded.Result;
                request = new TransitionRequest(taskId, recorded.From, result.GetValue(to)!, root);
                sequence = recorded.Entry.Sequence;
                replayed = recorded.Replayed;
            }
            else
            {
                request = new TransitionRequest(taskId, fromPhase, result.GetValue(to)!, root) { Constraints = constraints };
                outcome = new TransitionEvaluator(engine).Evaluate(request);
            }

            return CommonOptions.Emit(outcome.Decision, result.GetValue(format)!, $"{request.Task} {request.From} → {request.To}{(sequence is null ? "" : $" (ledger #{sequence}{(replayed ? ", replayed" : "")})")}", writer =>
            {
                if (sequence is not null)
                {
                    writer.WriteNumber("ledgerSequence", sequence.Value);
                    writer.WriteBoolean("replayed", replayed);
                }

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
