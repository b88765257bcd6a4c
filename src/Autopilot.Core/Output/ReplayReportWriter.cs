using System.Text;
using System.Text.Json;
using Autopilot.Core.Lifecycle;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Output;

/// <summary>`autopilot policy replay` output: text for a terminal, JSON for scripts, Markdown for a pull-request comment.</summary>
internal static class ReplayReportWriter
{
    public static string Write(ReplayReport report, string format) => format switch
    {
        "json" => ToJson(report),
        "markdown" => ToMarkdown(report),
        _ => ToText(report),
    };

    public static string ToJson(ReplayReport report)
    {
        return DecisionWriter.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("old");
            w.WriteString("policy", report.OldPolicy);
            w.WriteString("digest", report.OldDigest);
            w.WriteEndObject();
            w.WriteStartObject("new");
            w.WriteString("policy", report.NewPolicy);
            w.WriteString("digest", report.NewDigest);
            w.WriteEndObject();
            w.WriteStartObject("replayed");
            foreach (var pair in report.Replayed.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(pair.Key, pair.Value);
            }

            w.WriteEndObject();
            w.WriteNumber("total", report.Total);
            w.WriteNumber("unchanged", report.Unchanged);
            w.WriteNumber("loosened", report.Loosened);
            w.WriteNumber("tightened", report.Tightened);
            w.WriteNumber("rulesChanged", report.RulesChanged);
            w.WriteStartArray("rules");
            foreach (var group in report.Groups)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", group.RuleId);
                w.WriteNumber("loosened", group.Loosened);
                w.WriteNumber("tightened", group.Tightened);
                w.WriteNumber("rulesChanged", group.RulesChanged);
                w.WriteStartArray("examples");
                foreach (var example in group.Examples)
                {
                    w.WriteStartObject();
                    w.WriteString("source", example.Case.Source);
                    w.WriteString("question", example.Case.Question);
                    w.WriteString("subject", example.Case.Subject);
                    w.WriteString("change", example.Change switch { ReplayChange.Loosened => "loosened", ReplayChange.Tightened => "tightened", _ => "rulesChanged" });
                    w.WriteString("old", example.Old.Verdict.ToWire());
                    w.WriteString("new", example.New.Verdict.ToWire());
                    WriteRules(w, "oldRules", example.Old);
                    WriteRules(w, "newRules", example.New);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("skipped");
            foreach (var skip in report.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("source", skip.Source);
                w.WriteString("reason", skip.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            DecisionWriter.WriteStrings(w, "warnings", report.Warnings);
            w.WriteEndObject();
        }) + Environment.NewLine;
    }

    private static void WriteRules(Utf8JsonWriter w, string name, Decisions.Decision decision) =>
        DecisionWriter.WriteStrings(w, name, DecisionWriter.DistinctRules(decision.Deciding).Select(f => f.RuleId));

    public static string ToMarkdown(ReplayReport report)
    {
        var md = new StringBuilder();
        md.Append("### Policy replay: ").Append(report.Loosened > 0 ? "⚠️ " : "").Append(report.Changed).Append(" of ").Append(report.Total).AppendLine(" decisions change").AppendLine();
        md.Append("Old `").Append(report.OldPolicy).Append("` (").Append(DecisionWriter.ShortDigest(report.OldDigest)).Append(") → new `")
            .Append(report.NewPolicy).Append("` (").Append(DecisionWriter.ShortDigest(report.NewDigest)).AppendLine(")").AppendLine();
        md.Append("Replayed: ").AppendLine(string.Join(", ", report.Replayed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} from {p.Key}"))).AppendLine();
        md.AppendLine("| loosened | tightened | rules changed | unchanged |").AppendLine("| ---: | ---: | ---: | ---: |");
        md.Append("| ").Append(report.Loosened).Append(" | ").Append(report.Tightened).Append(" | ").Append(report.RulesChanged).Append(" | ").Append(report.Unchanged).AppendLine(" |").AppendLine();
        if (report.Groups.Count > 0)
        {
            md.AppendLine("| rule | loosened | tightened | rules changed |").AppendLine("| --- | ---: | ---: | ---: |");
            foreach (var g in report.Groups)
            {
                md.Append("| `").Append(g.RuleId).Append("` | ").Append(g.Loosened).Append(" | ").Append(g.Tightened).Append(" | ").Append(g.RulesChanged).AppendLine(" |");
            }

            md.AppendLine();
            foreach (var g in report.Groups)
            {
                md.Append("<details><summary><code>").Append(Html(g.RuleId)).Append("</code>: examples</summary>").AppendLine().AppendLine();
                foreach (var e in g.Examples)
                {
                    md.Append("- ").Append(e.Case.Source).Append(" (").Append(e.Case.Question).Append("): `").Append(e.Case.Subject.Replace("`", "'", StringComparison.Ordinal))
                        .Append("` ").AppendLine(PolicyReplay.Arrow(e));
                }

                md.AppendLine().AppendLine("</details>").AppendLine();
            }
        }

        AppendNotes(md, report, "- ");
        return md.ToString();
    }

    public static string ToText(ReplayReport report)
    {
        var text = new StringBuilder();
        text.Append("replay: ").Append(report.OldPolicy).Append(" (").Append(DecisionWriter.ShortDigest(report.OldDigest)).Append(") → ")
            .Append(report.NewPolicy).Append(" (").Append(DecisionWriter.ShortDigest(report.NewDigest)).AppendLine(")");
        text.Append("replayed ").Append(report.Total).Append(" decision(s): ")
            .AppendLine(string.Join(", ", report.Replayed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value} from {p.Key}")));
        foreach (var g in report.Groups)
        {
            text.Append(g.RuleId).Append(": ").Append(g.Loosened).Append(" loosened, ").Append(g.Tightened).Append(" tightened, ").Append(g.RulesChanged).AppendLine(" rules changed");
            foreach (var e in g.Examples)
            {
                text.Append("  ").Append(e.Case.Source).Append(' ').Append(e.Case.Question).Append(": ").Append(e.Case.Subject).Append("  ").AppendLine(PolicyReplay.Arrow(e));
            }
        }

        AppendNotes(text, report, "note: ");
        text.Append(report.Loosened).Append(" loosened, ").Append(report.Tightened).Append(" tightened, ").Append(report.RulesChanged)
            .Append(" rules changed, ").Append(report.Unchanged).AppendLine(" unchanged");
        return text.ToString();
    }

    private static void AppendNotes(StringBuilder builder, ReplayReport report, string prefix)
    {
        if (report.Skipped.Count > 0)
        {
            builder.Append(prefix).Append(report.Skipped.Count).Append(" recorded decision(s) not replayed, e.g. ")
                .Append(report.Skipped[0].Source).Append(": ").AppendLine(report.Skipped[0].Reason);
        }

        foreach (var warning in report.Warnings)
        {
            builder.Append(prefix).AppendLine(warning);
        }
    }

    private static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);
}
