using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;
using Autopilot.Testing;

namespace Autopilot.Core.Tests.Corpora;

/// <summary>One command of a corpus (tests/corpora/actions/*.jsonl) and its family.</summary>
public sealed record CorpusCommand(string Command, string Family, string Source, int Line);

/// <summary>
/// The action corpora and the default policy's judgement of them, at a level, in workspace /work/repo with home
/// /home/agent (the corpora are written for those). Shared by the threshold tests and the report.
/// </summary>
public static class ActionCorpus
{
    public const string Workspace = "/work/repo";
    public const string Home = "/home/agent";

    public static readonly ActionContext Context = new(Workspace, Home) { ResolveSymlinks = false };

    private static readonly Lazy<PolicyEngine> s_engine = new(() =>
    {
        var loaded = PolicySource.Load(null);
        return loaded.Engine ?? throw new InvalidOperationException(string.Join("\n", loaded.Diagnostics));
    });

    public static PolicyEngine Engine => s_engine.Value;

    public static string Folder => Path.Combine(TestProcess.RepoRoot, "tests", "corpora", "actions");

    /// <summary>Reads a corpus file; every line must be a JSON object with <c>cmd</c> and a family (<c>harm</c> or <c>kind</c>).</summary>
    public static IReadOnlyList<CorpusCommand> Read(string name)
    {
        var path = Path.Combine(Folder, name);
        var result = new List<CorpusCommand>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var family = root.TryGetProperty("harm", out var h) ? h.GetString() : root.TryGetProperty("kind", out var k) ? k.GetString() : null;
            result.Add(new CorpusCommand(
                root.GetProperty("cmd").GetString() ?? throw new InvalidDataException($"{name}:{lineNo}: cmd is null"),
                family ?? throw new InvalidDataException($"{name}:{lineNo}: no harm or kind"),
                root.TryGetProperty("source", out var s) ? s.GetString() ?? "" : "",
                lineNo));
        }

        return result;
    }

    public static Verdict Judge(string command, string level = "execute_safe") =>
        Engine.Actions.Command(command, Context, level).Verdict;

    /// <summary>Verdict per command, with the share of each verdict per family and over all.</summary>
    public static CorpusScore Score(IReadOnlyList<CorpusCommand> corpus, string level = "execute_safe")
    {
        var rows = corpus.Select(c => (c, Engine.Actions.Command(c.Command, Context, level))).ToList();
        return new CorpusScore(rows);
    }
}

public sealed class CorpusScore(List<(CorpusCommand Command, Decisions.Decision Decision)> rows)
{
    public IReadOnlyList<(CorpusCommand Command, Decisions.Decision Decision)> Rows { get; } = rows;

    public int Count => Rows.Count;

    public int With(Verdict verdict) => Rows.Count(r => r.Decision.Verdict == verdict);

    public double Share(Verdict verdict) => Count == 0 ? 0 : (double)With(verdict) / Count;

    public IEnumerable<(CorpusCommand Command, Decisions.Decision Decision)> Where(Verdict verdict) => Rows.Where(r => r.Decision.Verdict == verdict);

    /// <summary>Families with their count and the number of commands per verdict.</summary>
    public IEnumerable<(string Family, int Count, int Allow, int Escalate, int Deny)> ByFamily() =>
        Rows.GroupBy(r => r.Command.Family)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Count(r => r.Decision.Verdict == Verdict.Allow), g.Count(r => r.Decision.Verdict == Verdict.Escalate), g.Count(r => r.Decision.Verdict == Verdict.Deny)));

    /// <summary>The commands with a verdict, one per line with the deciding rules, for assertion messages.</summary>
    public string List(Verdict verdict, int max = 60) =>
        string.Join("\n", Where(verdict).Take(max).Select(r => $"  [{r.Command.Family}] {r.Command.Command}   → {string.Join(", ", r.Decision.Findings.Where(f => f.Severity >= Severity.Escalate).Select(f => f.RuleId).Distinct())}"));
}
