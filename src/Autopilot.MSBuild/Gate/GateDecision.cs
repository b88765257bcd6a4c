using Autopilot.MSBuild.Json;

namespace Autopilot.MSBuild.Gate;

/// <summary>One finding of `autopilot gate --format json`; <see cref="Path"/> is relative to the repository root.</summary>
internal sealed record GateFinding(string RuleId, string Severity, string Message, string? Path, int Line, int Column);

/// <summary>
/// The decision `autopilot gate --format json` prints. The names (<c>verdict</c>, <c>findings</c>,
/// <c>ruleId</c>, <c>severity</c>, <c>message</c>, <c>location.path/line/column</c>) are the tool's
/// documented JSON contract (README).
/// </summary>
internal sealed record GateDecision(string Verdict, IReadOnlyList<GateFinding> Findings, string? Change)
{
    /// <exception cref="FormatException">Not JSON, or not a decision.</exception>
    public static GateDecision Parse(string json)
    {
        if (JsonReader.Parse(json) is not Dictionary<string, object?> root)
        {
            throw new FormatException("The gate's output is not a JSON object.");
        }

        var verdict = root.TryGetValue("verdict", out var v) && v is string text
            ? text
            : throw new FormatException("The gate's output has no 'verdict'.");
        var findings = new List<GateFinding>();
        if (root.TryGetValue("findings", out var list) && list is List<object?> items)
        {
            foreach (var item in items)
            {
                if (item is not Dictionary<string, object?> finding)
                {
                    throw new FormatException("A finding in the gate's output is not an object.");
                }

                string? path = null;
                int line = 0, column = 0;
                if (finding.TryGetValue("location", out var at) && at is Dictionary<string, object?> location)
                {
                    path = String(location, "path");
                    line = Number(location, "line");
                    column = Number(location, "column");
                }

                findings.Add(new GateFinding(
                    String(finding, "ruleId") ?? throw new FormatException("A finding in the gate's output has no 'ruleId'."),
                    String(finding, "severity") ?? "deny",
                    String(finding, "message") ?? "",
                    path,
                    line,
                    column));
            }
        }

        return new GateDecision(verdict, findings, String(root, "change"));
    }

    private static string? String(Dictionary<string, object?> obj, string name) =>
        obj.TryGetValue(name, out var value) ? value as string : null;

    private static int Number(Dictionary<string, object?> obj, string name) =>
        obj.TryGetValue(name, out var value) && value is double number && number >= 0 && number <= int.MaxValue ? (int)number : 0;
}
