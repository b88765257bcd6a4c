using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Lifecycle;

/// <summary>One example of a warn or shadow rule at work: when, what, and the verdict it would have given.</summary>
public sealed record ShadowExample(long Sequence, DateTimeOffset Time, string Question, string Subject, Verdict Verdict, Verdict WouldBe, string Message);

/// <summary>What one warn or shadow rule did over the period.</summary>
/// <param name="Fired">Decisions in which the rule produced a finding.</param>
/// <param name="WouldChange">Of those, decisions whose verdict it would have made stricter had it been enforced.</param>
public sealed record ShadowRuleSummary(string RuleId, Enforcement Enforcement, string? File, int Line, int Fired, int WouldChange,
    IReadOnlyDictionary<Verdict, int> WouldBe, IReadOnlyList<ShadowExample> Examples);

/// <summary>`autopilot policy report`: what warn and shadow rules would have done over a period, from the decision log.</summary>
public sealed record ShadowReport(DateTimeOffset Since, DateTimeOffset Until, int Decisions, int WouldChange, IReadOnlyList<ShadowRuleSummary> Rules, IReadOnlyList<string> Warnings)
{
    public const int DefaultExamplesPerRule = 3;

    public static ShadowReport Build(IEnumerable<LoggedDecision> log, DateTimeOffset since, DateTimeOffset until, IReadOnlyList<string>? warnings = null, int examplesPerRule = DefaultExamplesPerRule)
    {
        ArgumentNullException.ThrowIfNull(log);
        var rules = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        int decisions = 0, wouldChange = 0;
        foreach (var (entry, record) in log)
        {
            if (entry.Time < since || entry.Time > until)
            {
                continue;
            }

            decisions++;
            if (record.ShadowVerdict > record.Verdict)
            {
                wouldChange++;
            }

            foreach (var rule in record.Rules.Where(r => r.Enforcement != Enforcement.Enforce).Concat(record.Shadow).DistinctBy(r => r.Id))
            {
                if (!rules.TryGetValue(rule.Id, out var acc))
                {
                    rules[rule.Id] = acc = new Accumulator(rule);
                }

                var would = VerdictExtensions.Max(record.Verdict, rule.IntendedSeverity.ToVerdict());
                acc.Fired++;
                acc.WouldBe[would] = acc.WouldBe.GetValueOrDefault(would) + 1;
                if (would > record.Verdict)
                {
                    acc.WouldChange++;
                }

                if (acc.Examples.Count < examplesPerRule && (would > record.Verdict || acc.Examples.Count == 0))
                {
                    acc.Examples.Add(new ShadowExample(entry.Sequence, entry.Time, record.Question, Describe(record), record.Verdict, would, rule.Message));
                }
            }
        }

        var summaries = rules.Values
            .Select(a => new ShadowRuleSummary(a.Rule.Id, a.Rule.Enforcement, a.Rule.File, a.Rule.Line, a.Fired, a.WouldChange, a.WouldBe, a.Examples))
            .OrderByDescending(s => s.WouldChange).ThenByDescending(s => s.Fired).ThenBy(s => s.RuleId, StringComparer.Ordinal)
            .ToArray();
        return new ShadowReport(since, until, decisions, wouldChange, summaries, warnings ?? []);
    }

    /// <summary>What a recorded decision judged, in a few words (secrets were masked when it was recorded).</summary>
    public static string Describe(DecisionRecord record)
    {
        var f = record.Facts;
        return record.Question switch
        {
            DecisionQuestions.Command => f.Command ?? "a command",
            DecisionQuestions.Path => $"{f.Operation} {f.Path}",
            DecisionQuestions.Tool => $"tool {f.Tool} in {f.Phase}",
            DecisionQuestions.Hook => f.ToolInput is { ValueKind: System.Text.Json.JsonValueKind.Object } input && input.TryGetProperty("command", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String
                ? $"{f.Tool}: {c.GetString()}" : f.Tool ?? "a tool call",
            DecisionQuestions.Transition => $"{f.Task} {f.From} → {f.To}",
            DecisionQuestions.Gate => $"change {f.Range}",
            DecisionQuestions.Autonomy => $"level {f.Level} at risk {f.Risk}",
            _ => record.Question + (f.Task is null ? "" : $" for {f.Task}"),
        };
    }

    /// <summary>A period like 7d, 12h, 30m or 2w, as a time span.</summary>
    /// <exception cref="FormatException">Not a number followed by m, h, d or w.</exception>
    public static TimeSpan ParsePeriod(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && int.TryParse(trimmed[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (trimmed[^1])
            {
                case 'm':
                    return TimeSpan.FromMinutes(n);
                case 'h':
                    return TimeSpan.FromHours(n);
                case 'd':
                    return TimeSpan.FromDays(n);
                case 'w':
                    return TimeSpan.FromDays(7 * n);
            }
        }

        throw new FormatException($"'{text}' is not a period: write a whole number and a unit, like 30m, 12h, 7d or 2w");
    }

    private sealed class Accumulator(DecisionRule rule)
    {
        public DecisionRule Rule { get; } = rule;

        public int Fired { get; set; }

        public int WouldChange { get; set; }

        public Dictionary<Verdict, int> WouldBe { get; } = [];

        public List<ShadowExample> Examples { get; } = [];
    }
}
