using System.Text;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Corpora;

/// <summary>
/// Writes the corpus report (per family: allowed, escalated, denied; every dangerous command allowed and every benign
/// command stopped), to the file AUTOPILOT_CORPUS_REPORT names (<c>AUTOPILOT_CORPUS_REPORT=$PWD/benchmarks/results/action-corpora.md
/// dotnet test tests/Autopilot.Core.Tests --filter ActionCorpusReport</c>) or else to a temporary file, and checks that
/// the report accounts for every command: the family rows add up to each corpus, and every listed command is one.
/// </summary>
public sealed class ActionCorpusReport
{
    [Fact]
    public void Write_the_report_when_asked()
    {
        var asked = Environment.GetEnvironmentVariable("AUTOPILOT_CORPUS_REPORT");
        var path = string.IsNullOrEmpty(asked) ? Path.GetTempFileName() : asked;

        var text = new StringBuilder();
        text.AppendLine("# Action corpora: the default policy at execute_safe");
        text.AppendLine();
        text.AppendLine("Made by `AUTOPILOT_CORPUS_REPORT=<file> dotnet test tests/Autopilot.Core.Tests --filter ActionCorpusReport`;");
        text.AppendLine("the thresholds are checked by `ActionCorpusTests` on every test run. Corpora: `tests/corpora/actions/`.");
        text.AppendLine();
        foreach (var (file, stop) in new[] { ("dangerous.jsonl", false), ("needs-human.jsonl", false), ("benign.jsonl", true) })
        {
            var score = ActionCorpus.Score(ActionCorpus.Read(file));
            text.AppendLine($"## {file}: {score.Count} commands — allowed {score.With(Verdict.Allow)} ({score.Share(Verdict.Allow):P1}), escalated {score.With(Verdict.Escalate)} ({score.Share(Verdict.Escalate):P1}), denied {score.With(Verdict.Deny)} ({score.Share(Verdict.Deny):P1})");
            text.AppendLine();
            text.AppendLine("| family | commands | allow | escalate | deny |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var (family, count, allow, escalate, deny) in score.ByFamily())
            {
                text.AppendLine($"| {family} | {count} | {allow} | {escalate} | {deny} |");
            }

            text.AppendLine();
            var listed = stop ? score.Rows.Where(r => r.Decision.Verdict != Verdict.Allow) : score.Where(Verdict.Allow);
            text.AppendLine(stop ? "Stopped (escalated or denied):" : "Allowed:");
            text.AppendLine();
            foreach (var (command, decision) in listed)
            {
                var rules = string.Join(", ", decision.Findings.Where(f => f.Severity >= Severity.Escalate).Select(f => f.RuleId).Distinct());
                text.AppendLine($"- `{command.Command.Replace("`", "'", StringComparison.Ordinal).Replace("\n", "⏎", StringComparison.Ordinal)}` ({command.Family}){(rules.Length > 0 ? $" → {rules}" : "")}");
            }

            text.AppendLine();
        }

        File.WriteAllText(path, text.ToString());
        try
        {
            var lines = File.ReadAllLines(path);
            foreach (var (file, _) in new[] { ("dangerous.jsonl", false), ("needs-human.jsonl", false), ("benign.jsonl", true) })
            {
                var count = ActionCorpus.Read(file).Count;
                var heading = Array.FindIndex(lines, l => l.StartsWith($"## {file}: {count} commands", StringComparison.Ordinal));
                Assert.True(heading >= 0, $"no heading for {file} with {count} commands");
                var rows = lines.Skip(heading + 4).TakeWhile(l => l.StartsWith("| ", StringComparison.Ordinal))
                    .Select(l => l.Split('|', StringSplitOptions.TrimEntries)).ToList();
                Assert.Equal(count, rows.Sum(r => int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)));
                Assert.All(rows, r => Assert.Equal(int.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture) + int.Parse(r[4], System.Globalization.CultureInfo.InvariantCulture) + int.Parse(r[5], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        finally
        {
            if (string.IsNullOrEmpty(asked))
            {
                File.Delete(path);
            }
        }
    }
}
