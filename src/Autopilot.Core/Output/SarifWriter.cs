using System.Reflection;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Output;

/// <summary>
/// A decision as SARIF 2.1.0, the form GitHub code scanning uploads: one run, the rules that produced
/// findings as reportingDescriptors (the engine's built-in ids with their description and help from
/// <see cref="RuleIds"/>), one result per finding with its location relative to the repository.
/// </summary>
internal static class SarifWriter
{
    public static string ToSarif(Decision decision, string repositoryRoot, IReadOnlyDictionary<string, string>? ruleDescriptions = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var rules = decision.Findings.Select(f => f.RuleId).Distinct().Order(StringComparer.Ordinal).ToList();
            w.WriteStartObject();
            w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "autopilot");
            w.WriteString("semanticVersion", ToolVersion());
            if (ProjectUrl() is { } projectUrl)
            {
                w.WriteString("informationUri", projectUrl);
            }

            w.WriteStartArray("rules");
            foreach (var id in rules)
            {
                var first = decision.Findings.First(f => f.RuleId == id);
                w.WriteStartObject();
                w.WriteString("id", id);
                var builtIn = RuleIds.Find(id);
                w.WriteStartObject("shortDescription");
                w.WriteString("text", ruleDescriptions?.GetValueOrDefault(id) ?? builtIn?.Description ?? id);
                w.WriteEndObject();
                if (builtIn is not null)
                {
                    // The engine's own ids carry their help in the registry (RuleIds).
                    w.WriteStartObject("help");
                    w.WriteString("text", builtIn.Help);
                    w.WriteEndObject();
                }
                w.WriteStartObject("defaultConfiguration");
                w.WriteString("level", Level(first.Severity));
                w.WriteEndObject();
                if (first.RuleSource is { } source)
                {
                    // Where the rule is written (issue 14: provenance).
                    w.WriteStartObject("properties");
                    w.WriteString("policyFile", source.Path);
                    w.WriteNumber("policyLine", source.Line);
                    w.WriteString("enforcement", first.Enforcement.ToWire());
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("originalUriBaseIds");
            w.WriteStartObject("SRCROOT");
            w.WriteString("uri", new Uri(Path.TrimEndingDirectorySeparator(Path.GetFullPath(repositoryRoot)) + "/").AbsoluteUri);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartArray("results");
            foreach (var finding in decision.Findings)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", finding.RuleId);
                w.WriteNumber("ruleIndex", rules.IndexOf(finding.RuleId));
                w.WriteString("level", Level(finding.Severity));
                w.WriteStartObject("message");
                w.WriteString("text", finding.Message);
                w.WriteEndObject();
                if (finding.Location is { } location)
                {
                    w.WriteStartArray("locations");
                    w.WriteStartObject();
                    w.WriteStartObject("physicalLocation");
                    w.WriteStartObject("artifactLocation");
                    w.WriteString("uri", RelativeUri(location.Path, repositoryRoot));
                    w.WriteString("uriBaseId", "SRCROOT");
                    w.WriteEndObject();
                    w.WriteStartObject("region");
                    w.WriteNumber("startLine", Math.Max(1, location.Line));
                    w.WriteNumber("startColumn", Math.Max(1, location.Column));
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartArray("invocations");
            w.WriteStartObject();
            w.WriteBoolean("executionSuccessful", true);
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartObject("properties");
            w.WriteString("verdict", decision.Verdict.ToWire());
            w.WriteString("policyHash", decision.PolicyHash);
            DecisionWriter.WriteStrings(w, "decidingRules", DecisionWriter.DistinctRules(decision.Deciding).Select(DecisionWriter.RuleWithSource));
            w.WriteEndObject();

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Level(Severity severity) => severity switch
    {
        Severity.Deny => "error",
        Severity.Escalate or Severity.Warning => "warning",
        _ => "note",
    };

    /// <summary>A location path as a URI relative to the repository (SARIF and GitHub both want that).</summary>
    internal static string RelativeUri(string path, string repositoryRoot)
    {
        var relative = Path.IsPathRooted(path) ? Path.GetRelativePath(repositoryRoot, path) : path;
        return string.Join('/', relative.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>The package's project URL as the build recorded it (PackageProjectUrl); null when the build set none.</summary>
    internal static string? ProjectUrl() =>
        typeof(SarifWriter).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "PackageProjectUrl" && !string.IsNullOrEmpty(a.Value))?.Value;

    private static string ToolVersion() =>
        typeof(SarifWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
