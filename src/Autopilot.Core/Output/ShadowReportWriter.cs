using System.Globalization;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Lifecycle;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Output;

/// <summary>`autopilot policy report` output: what warn and shadow rules would have done, as text, JSON or Markdown.</summary>
internal static class ShadowReportWriter
{
    public static string Write(ShadowReport report, string format) => format switch
    {
        "json" => ToJson(report),
        "markdown" => ToMarkdown(report),
        _ => ToText(report),
    };

    public static string ToJson(ShadowReport report)
    {
        return DecisionWriter.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("since", report.Since);
            w.WriteString("until", report.Until);
            w.WriteNumber("decisions", report.Decisions);
            w.WriteNumber("wouldChange", report.WouldChange);
            w.WriteStartArray("rules");
            foreach (var rule in report.Rules)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", rule.RuleId);
                w.WriteString("enforcement", rule.Enforcement.ToWire());
                if (rule.File is not null)
                {
                    w.WriteString("file", rule.File);
                    w.WriteNumber("line", rule.Line);
                }

                w.WriteNumber("fired", rule.Fired);
                w.WriteNumber("wouldChange", rule.WouldChange);
                w.WriteStartObject("wouldBe");
                foreach (var pair in rule.WouldBe.OrderBy(p => p.Key))
                {
                    w.WriteNumber(pair.Key.ToWire(), pair.Value);
                }

                w.WriteEndObject();
                w.WriteStartArray("examples");
                foreach (var e in rule.Examples)
                {
                    w.WriteStartObject();
                    w.WriteNumber("sequence", e.Sequence);
                    w.WriteString("time", e.Time);
                    w.WriteString("question", e.Question);
                    w.WriteString("subject", e.Subject);
                    w.WriteString("verdict", e.Verdict.ToWire());
                    w.WriteString("wouldBe", e.WouldBe.ToWire());
                    w.WriteString("message", e.Message);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            DecisionWriter.WriteStrings(w, "warnings", report.Warnings);
            w.WriteEndObject();
        }) + Environment.NewLine;
    }

    public static string ToText(ShadowReport report)
    {
        var text = new StringBuilder();
        text.Append("decision log ").Append(Stamp(report.Since)).Append(" .. ").Append(Stamp(report.Until)).Append(": ")
            .Append(report.Decisions).Append(" decision(s), ").Append(report.WouldChange).AppendLine(" would have been stricter with every warn and shadow rule enforced");
        if (report.Rules.Count == 0)
        {
            text.AppendLine("no warn or shadow rule fired in this period");
        }

        foreach (var rule in report.Rules)
        {
            text.Append(rule.Enforcement.ToWire()).Append(' ').Append(rule.RuleId);
            if (rule.File is not null)
            {
                text.Append(" (").Append(rule.File).Append(':').Append(rule.Line).Append(')');
            }

            text.Append(": fired ").Append(rule.Fired).Append(", would have changed ").Append(rule.WouldChange).Append(" (")
                .Append(string.Join(", ", rule.WouldBe.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key.ToWire()}"))).AppendLine(")");
            foreach (var e in rule.Examples)
            {
                text.Append("  #").Append(e.Sequence).Append(' ').Append(e.Question).Append(": ").Append(e.Subject).Append("  ")
                    .Append(e.Verdict.ToWire()).Append(" → ").AppendLine(e.WouldBe.ToWire());
            }
        }

        foreach (var warning in report.Warnings)
        {
            text.Append("note: ").AppendLine(warning);
        }

        return text.ToString();
    }

    public static string ToMarkdown(ShadowReport report)
    {
        var md = new StringBuilder();
        md.Append("### Warn and shadow rules, ").Append(Stamp(report.Since)).Append(" .. ").AppendLine(Stamp(report.Until)).AppendLine();
        md.Append(report.Decisions).Append(" decisions; ").Append(report.WouldChange).AppendLine(" would have been stricter.").AppendLine();
        md.AppendLine("| rule | level | written at | fired | would change |").AppendLine("| --- | --- | --- | ---: | ---: |");
        foreach (var rule in report.Rules)
        {
            md.Append("| `").Append(rule.RuleId).Append("` | ").Append(rule.Enforcement.ToWire()).Append(" | ")
                .Append(rule.File is null ? "" : $"{rule.File}:{rule.Line}").Append(" | ").Append(rule.Fired).Append(" | ").Append(rule.WouldChange).AppendLine(" |");
        }

        foreach (var warning in report.Warnings)
        {
            md.Append("- ").AppendLine(warning);
        }

        return md.ToString();
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
