using System.CommandLine;
using System.Text.Json;
using Autopilot.Core.Policies;
using Autopilot.Policy.Diagnostics;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot policy lint [FILE...]`: every structural and semantic mistake, each at file:line:col.</summary>
internal static class PolicyLintCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Policy files (default: the policy the other commands would use).", Arity = ArgumentArity.ZeroOrMore };
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("lint", "Check policy files and report every mistake with file:line:col.") { files, format, repo };
        command.SetAction(result =>
        {
            var given = result.GetValue(files) ?? [];
            var paths = given.Length > 0 ? given.Select(g => (string?)g).ToArray() : [PolicySource.Resolve(null, result.GetValue(repo)!)];
            var all = new List<(string Origin, IReadOnlyList<PolicyDiagnostic> Diagnostics)>();
            foreach (var path in paths)
            {
                var loaded = PolicySource.Load(path, lint: true);
                all.Add((loaded.Origin, loaded.Diagnostics));
            }

            if (result.GetValue(format) == "json")
            {
                using var stream = Console.OpenStandardOutput();
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteStartArray("files");
                foreach (var (origin, diagnostics) in all)
                {
                    writer.WriteStartObject();
                    writer.WriteString("path", origin);
                    writer.WriteStartArray("diagnostics");
                    foreach (var d in diagnostics)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id", d.Id);
                        writer.WriteString("severity", d.Severity == DiagnosticSeverity.Error ? "error" : "warning");
                        writer.WriteString("message", d.Message);
                        writer.WriteStartObject("location");
                        writer.WriteString("path", d.Location.Path);
                        writer.WriteNumber("line", d.Location.Line);
                        writer.WriteNumber("column", d.Location.Column);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            else
            {
                foreach (var (origin, diagnostics) in all)
                {
                    foreach (var d in diagnostics)
                    {
                        Console.Out.WriteLine(d.ToString());
                    }

                    var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
                    var warnings = diagnostics.Count - errors;
                    Console.Out.WriteLine(errors == 0 && warnings == 0 ? $"{origin}: clean" : $"{origin}: {errors} error(s), {warnings} warning(s)");
                }
            }

            return CommonOptions.DiagnosticsExit(all.SelectMany(a => a.Diagnostics).ToArray());
        });
        return command;
    }
}
