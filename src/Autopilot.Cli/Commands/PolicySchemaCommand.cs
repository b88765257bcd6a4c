using System.CommandLine;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot policy schema`: the JSON Schema of policy files, for editors (yaml-language-server).</summary>
internal static class PolicySchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Print the JSON Schema of *.policy.yaml files.");
        command.SetAction(_ =>
        {
            using var stream = typeof(PolicySchemaCommand).Assembly.GetManifestResourceStream("Autopilot.Cli.policy.schema.json")
                ?? throw new InvalidOperationException("The policy schema is missing from the tool.");
            using var reader = new StreamReader(stream);
            Console.Out.Write(reader.ReadToEnd());
            return (int)ExitCode.Allow;
        });
        return command;
    }
}
