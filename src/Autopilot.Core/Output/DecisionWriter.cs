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
internal static class DecisionWriter
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(Decision decision, Action<Utf8JsonWriter>? extra = null) => Json(writer =>
    {
        writer.WriteStartObject();
        WriteDecisionBody(writer, decision);
        extra?.Invoke(writer);
        writer.WriteEndObject();
    });

    /// <summary>Indented JSON as the commands print it (non-ASCII text kept readable).</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_indented))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>An array of strings.</summary>
    public static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
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
        WriteProvenance(writer, decision);
    }

    /// <summary>
    /// <c>provenance</c>: the policy digest and the rules that decided, each with the file and line it is written at
    /// (issue 14). Shadow findings are never written here: they are for the decision log only.
    /// </summary>
    public static void WriteProvenance(Utf8JsonWriter writer, Decision decision)
    {
        writer.WriteStartObject("provenance");
        writer.WriteString("policyDigest", decision.PolicyHash);
        writer.WriteStartArray("deciding");
        foreach (var finding in DistinctRules(decision.Deciding))
        {
            writer.WriteStartObject();
            writer.WriteString("ruleId", finding.RuleId);
            WriteRuleSource(writer, finding);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRuleSource(Utf8JsonWriter writer, Finding finding)
    {
        if (finding.RuleSource is { } source)
        {
            writer.WriteString("file", source.Path);
            writer.WriteNumber("line", source.Line);
        }
    }

    /// <summary>The first finding of each rule, in order.</summary>
    public static IEnumerable<Finding> DistinctRules(IEnumerable<Finding> findings) => findings.DistinctBy(f => f.RuleId, StringComparer.Ordinal);

    /// <summary>"rule (file:line)" for a finding, or the rule id alone when the rule is not written in a file.</summary>
    public static string RuleWithSource(Finding finding) =>
        finding.RuleSource is { } source ? $"{finding.RuleId} ({source.Path}:{source.Line})" : finding.RuleId;

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

        if (finding.RuleSource is not null)
        {
            writer.WriteStartObject("rule");
            WriteRuleSource(writer, finding);
            writer.WriteEndObject();
        }

        if (finding.Enforcement != Enforcement.Enforce)
        {
            writer.WriteString("enforcement", finding.Enforcement.ToWire());
            writer.WriteString("intended", finding.IntendedSeverity.ToWire());
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

        AppendProvenanceLine(builder, decision);
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

        AppendProvenanceLine(builder, decision);
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

    /// <summary>The line before the verdict: which rules decided, where each is written, and the policy's digest.</summary>
    private static void AppendProvenanceLine(StringBuilder builder, Decision decision)
    {
        var deciding = DistinctRules(decision.Deciding).Select(RuleWithSource).ToArray();
        builder.Append("  policy ").Append(ShortDigest(decision.PolicyHash));
        if (deciding.Length > 0)
        {
            builder.Append("; decided by ").Append(string.Join(", ", deciding));
        }

        builder.AppendLine();
    }

    /// <summary>The first 12 hex digits of a policy digest, as text output shows it.</summary>
    public static string ShortDigest(string digest) => digest.Length > 12 ? "sha256:" + digest[..12] : digest.Length == 0 ? "(none)" : "sha256:" + digest;
}
