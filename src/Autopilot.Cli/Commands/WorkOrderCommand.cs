using System.CommandLine;
using Autopilot.Changes.WorkOrders;
using Autopilot.Core.Transitions;
using Autopilot.Policy.Diagnostics;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot workorder lint FILE`, `autopilot workorder apply FILE` and `autopilot workorder schema`.</summary>
internal static class WorkOrderCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Work order JSON file." };
        var lint = new Command("lint", "Check a work order against its schema; every error at file:line:col.") { file };
        lint.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            try
            {
                var order = WorkOrderLoader.Load(path);
                Console.Out.WriteLine($"{path}: clean (task {order.TaskId}, {order.AllowedPaths.Count} allowed path glob(s))");
                return (int)ExitCode.Allow;
            }
            catch (WorkOrderException ex)
            {
                return Refuse(ex);
            }
        });
        var schema = new Command("schema", "Print the JSON Schema of work orders.");
        schema.SetAction(_ =>
        {
            Console.Out.Write(WorkOrderLoader.SchemaText);
            return (int)ExitCode.Allow;
        });
        var command = new Command("workorder", "Work orders: what one unit of work may touch.");
        command.Subcommands.Add(lint);
        command.Subcommands.Add(Apply());
        command.Subcommands.Add(schema);
        return command;
    }

    /// <summary>
    /// `autopilot workorder apply FILE`: checks the work order against the policy (it may only tighten, and the names it
    /// uses must be the policy's), then records its task's constraints in the state folder, where `check`, `transition`
    /// and `hook` read them (docs/work-orders.md).
    /// </summary>
    private static Command Apply()
    {
        var file = new Argument<string>("file") { Description = "Work order JSON file." };
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var stateDir = StateOptions.StateDir();
        var apply = new Command("apply", "Check a work order against the policy and apply its autonomy cap and required evidence to its task.") { file, policy, repo, stateDir };
        apply.SetAction(result =>
        {
            var path = result.GetValue(file)!;
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            WorkOrder order;
            try
            {
                order = WorkOrderLoader.Load(path);
            }
            catch (WorkOrderException ex)
            {
                return Refuse(ex);
            }

            var problems = WorkOrderLayer.Check(order, File.ReadAllText(path), engine.Plan.Source).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            problems.ForEach(d => Console.Out.WriteLine(d.ToString()));
            if (!TransitionEvaluator.IsSafeTaskId(order.TaskId))
            {
                Console.Out.WriteLine($"{path}: error AP-WORKORDER: task id '{order.TaskId}' must be a plain name (letters, digits, '.', '_', '-') to be applied to a task.");
                return (int)ExitCode.BadInput;
            }

            if (problems.Count > 0)
            {
                return (int)ExitCode.BadInput;
            }

            var constraints = order.ToConstraints() with { Source = Path.GetFullPath(path) };
            var written = constraints.Write(StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!));
            Console.Out.WriteLine($"{path}: applied to task {order.TaskId}: autonomy {(constraints.Autonomy is { } level ? $"at most {level}" : "not capped")}; "
                + $"required evidence {(constraints.RequiredEvidence.Count == 0 ? "none" : string.Join(", ", constraints.RequiredEvidence))} ({written})");
            return (int)ExitCode.Allow;
        });
        return apply;
    }

    /// <summary>Prints each error of an unusable work order at file(line,col); exit with bad input.</summary>
    private static int Refuse(WorkOrderException ex)
    {
        foreach (var error in ex.Errors)
        {
            Console.Out.WriteLine($"{error.Location.Path}({error.Location.Line},{error.Location.Column}): error AP-WORKORDER: {error.Message}");
        }

        return (int)ExitCode.BadInput;
    }
}
