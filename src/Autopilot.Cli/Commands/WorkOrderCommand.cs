using System.CommandLine;
using Autopilot.Changes.WorkOrders;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot workorder lint FILE` and `autopilot workorder schema`.</summary>
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
                foreach (var error in ex.Errors)
                {
                    Console.Out.WriteLine($"{error.Location.Path}({error.Location.Line},{error.Location.Column}): error AP-WORKORDER: {error.Message}");
                }

                return (int)ExitCode.BadInput;
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
        command.Subcommands.Add(schema);
        return command;
    }
}
