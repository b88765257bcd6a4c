using System.Text;
using System.Text.Json;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Output;

/// <summary>
/// Decisions as people and scripts read them. JSON names are a contract (DESIGN.md): a top-level
/// <c>verdict</c> and <c>findings</c>, each with <c>ruleId</c>, <c>severity</c>, <c>message</c> and, where there
/// is one, <c>location</c> (<c>path</c>, <c>line</c>, <c>column</c>).
/// </summary>
public static class DecisionWriter
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(Decision decision, Action<Utf8JsonWriter>? extra = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_indented))
        {
            writer.WriteStartObject();
            WriteDecisionBody(writer, decision);
            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The decision's members (verdict, findings, policyHash, elapsedMs) into an object already started.</summary>
    public static void WriteDecisionBody(Utf8JsonWriter writer, Decision decision)
    {
        writer.WriteString("verdict", decision.Verdict.ToWire());
        writer.WriteStartArray("findings");
        foreach (var finding in decision.Findings)
        {
            WriteFinding(writer, finding);
        }

        writer.WriteEndArray();
        writer.WriteString("policyHash", decision.PolicyHash);
        writer.WriteNumber("elapsedMs", Math.Round(decision.Elapsed.TotalMilliseconds, 3));
    }

    public static void WriteFinding(Utf8JsonWriter writer, Finding finding)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", finding.RuleId);
        writer.WriteString("severity", finding.Severity.ToWire());
        writer.WriteString("message", finding.Message);
        if (finding.Location is { } location)
        {
            writer.WriteStartObject("location");
            writer.WriteString("path", location.Path);
            writer.WriteNumber("line", location.Line);
            writer.WriteNumber("column", location.Column);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>Human text grouped by file (findings without a place first), the verdict on the last line.</summary>
    public static string ToTextByFile(Decision decision, string subject, Func<string, string>? displayPath = null)
    {
        var builder = new StringBuilder();
        foreach (var group in decision.Findings.GroupBy(f => f.Location?.Path).OrderBy(g => g.Key is null ? "" : g.Key, StringComparer.Ordinal))
        {
            builder.AppendLine(group.Key is null ? "(the change as a whole)" : displayPath?.Invoke(group.Key) ?? group.Key);
            foreach (var finding in group.OrderBy(f => f.Location?.Line ?? 0).ThenBy(f => f.Location?.Column ?? 0))
            {
                builder.Append("  ");
                if (finding.Location is { } at)
                {
                    builder.Append(at.Line).Append(':').Append(at.Column).Append(' ');
                }

                builder.Append(finding.Severity.ToWire()).Append(' ').Append(finding.RuleId).Append(": ").AppendLine(finding.Message);
            }
        }

        AppendVerdictLine(builder, decision, subject);
        return builder.ToString();
    }

    /// <summary>Human text: one line per finding, the verdict on the last line.</summary>
    public static string ToText(Decision decision, string? subject = null)
    {
        var builder = new StringBuilder();
        foreach (var finding in decision.Findings)
        {
            builder.Append("  ").AppendLine(finding.ToString());
        }

        AppendVerdictLine(builder, decision, subject);
        return builder.ToString();
    }

    /// <summary>The last line people and scripts read: the verdict, what was judged, and the rules that decided.</summary>
    private static void AppendVerdictLine(StringBuilder builder, Decision decision, string? subject)
    {
        builder.Append(decision.Verdict.ToWire().ToUpperInvariant());
        if (subject is not null)
        {
            builder.Append(": ").Append(subject);
        }

        var deciding = decision.Deciding.Select(f => f.RuleId).Distinct().ToArray();
        if (deciding.Length > 0)
        {
            builder.Append(" (").Append(string.Join(", ", deciding)).Append(')');
        }

        builder.AppendLine();
    }
}
