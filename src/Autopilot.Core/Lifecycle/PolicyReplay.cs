using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Lifecycle;

/// <summary>Which way a decision moved between the old and the new policy.</summary>
public enum ReplayChange : byte
{
    /// <summary>The verdict is less restrictive under the new policy (deny → escalate/allow, escalate → allow).</summary>
    Loosened,

    /// <summary>The verdict is more restrictive under the new policy.</summary>
    Tightened,

    /// <summary>Same verdict, but other rules decide it.</summary>
    RulesChanged,
}

/// <summary>One decision that changes: where it came from, what was judged, and both answers.</summary>
public sealed record ReplayDifference(ReplayCase Case, ReplayChange Change, Decision Old, Decision New, IReadOnlyList<string> Rules);

/// <summary>The differences that name one rule: counts and the first few examples.</summary>
public sealed record ReplayRuleGroup(string RuleId, int Loosened, int Tightened, int RulesChanged, IReadOnlyList<ReplayDifference> Examples);

/// <summary>What a replay found (issue 14).</summary>
public sealed record ReplayReport
{
    public required string OldPolicy { get; init; }

    public required string OldDigest { get; init; }

    public required string NewPolicy { get; init; }

    public required string NewDigest { get; init; }

    /// <summary>Decisions made again, by source (ledger, corpus, git).</summary>
    public IReadOnlyDictionary<string, int> Replayed { get; init; } = new Dictionary<string, int>();

    public int Total { get; init; }

    public int Unchanged { get; init; }

    public int Loosened { get; init; }

    public int Tightened { get; init; }

    public int RulesChanged { get; init; }

    public IReadOnlyList<ReplayRuleGroup> Groups { get; init; } = [];

    /// <summary>Recorded decisions that could not be made again, with the reason.</summary>
    public IReadOnlyList<ReplaySkip> Skipped { get; init; } = [];

    /// <summary>Notes the reader must see (a ledger head that lags, an unreadable record).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public int Changed => Loosened + Tightened + RulesChanged;
}

/// <summary>
/// Decides every case again under the old and the new policy and keeps the decisions that change, grouped by the
/// rules that make the difference (issue 14). Pure: no output, no state.
/// </summary>
public static class PolicyReplay
{
    public const int DefaultExamplesPerRule = 3;

    public static ReplayReport Run(LoadedPolicy oldPolicy, LoadedPolicy newPolicy, IEnumerable<ReplayCase> cases,
        IReadOnlyList<ReplaySkip>? skipped = null, IReadOnlyList<string>? warnings = null, int examplesPerRule = DefaultExamplesPerRule)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var oldEngine = oldPolicy.Engine ?? throw new ArgumentException("the old policy did not load", nameof(oldPolicy));
        var newEngine = newPolicy.Engine ?? throw new ArgumentException("the new policy did not load", nameof(newPolicy));
        var replayed = new Dictionary<string, int>(StringComparer.Ordinal);
        var differences = new List<ReplayDifference>();
        int total = 0, loosened = 0, tightened = 0, rulesChanged = 0;
        foreach (var replayCase in cases)
        {
            total++;
            var kind = replayCase.Origin;
            replayed[kind] = replayed.GetValueOrDefault(kind) + 1;
            var before = DecideSafely(replayCase, oldEngine);
            var after = DecideSafely(replayCase, newEngine);
            if (Compare(before, after) is not { } change)
            {
                continue;
            }

            switch (change)
            {
                case ReplayChange.Loosened:
                    loosened++;
                    break;
                case ReplayChange.Tightened:
                    tightened++;
                    break;
                default:
                    rulesChanged++;
                    break;
            }

            differences.Add(new ReplayDifference(replayCase, change, before, after, RulesBehind(before, after, change, oldEngine, newEngine)));
        }

        return new ReplayReport
        {
            OldPolicy = oldPolicy.Origin,
            OldDigest = oldEngine.PolicyHash,
            NewPolicy = newPolicy.Origin,
            NewDigest = newEngine.PolicyHash,
            Replayed = replayed,
            Total = total,
            Unchanged = total - differences.Count,
            Loosened = loosened,
            Tightened = tightened,
            RulesChanged = rulesChanged,
            Groups = Group(differences, examplesPerRule),
            Skipped = skipped ?? [],
            Warnings = warnings ?? [],
        };
    }

    /// <summary>How the answer moved; null when it did not (same verdict, same deciding rules).</summary>
    public static ReplayChange? Compare(Decision before, Decision after)
    {
        if (after.Verdict < before.Verdict)
        {
            return ReplayChange.Loosened;
        }

        if (after.Verdict > before.Verdict)
        {
            return ReplayChange.Tightened;
        }

        return DecidingRules(before).SetEquals(DecidingRules(after)) ? null : ReplayChange.RulesChanged;
    }

    /// <summary>A case that throws is decided as a fail-closed deny naming the error, under either policy.</summary>
    private static Decision DecideSafely(ReplayCase replayCase, PolicyEngine engine)
    {
        try
        {
            return replayCase.Decide(engine);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Decision.FailClosed(RuleIds.ReplayError, $"deciding it again failed: {ex.Message}", engine.PolicyHash);
        }
    }

    private static HashSet<string> DecidingRules(Decision decision) => decision.Deciding.Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The rules a change is filed under: for a loosening, the old deciding rules that no longer decide; for a tightening,
    /// the new deciding rules that did not decide before; otherwise both differences. Falls back to the deciding rules
    /// of the stricter side (a change of the autonomy table moves verdicts without new rules).
    /// </summary>
    private static IReadOnlyList<string> RulesBehind(Decision before, Decision after, ReplayChange change, PolicyEngine oldEngine, PolicyEngine newEngine)
    {
        var old = DecidingRules(before);
        var now = DecidingRules(after);
        // An autonomy outcome follows from the risk rule that matched: file the change under that rule when there is one.
        bool Consequence(string id) => IsAutonomyOutcome(id, oldEngine) || IsAutonomyOutcome(id, newEngine);
        if (old.Any(id => !Consequence(id)))
        {
            old.RemoveWhere(Consequence);
        }

        if (now.Any(id => !Consequence(id)))
        {
            now.RemoveWhere(Consequence);
        }

        IEnumerable<string> rules = change switch
        {
            ReplayChange.Loosened => old.Except(now),
            ReplayChange.Tightened => now.Except(old),
            _ => old.Except(now).Concat(now.Except(old)),
        };
        var list = rules.Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            list = (change == ReplayChange.Loosened ? old : now).Order(StringComparer.Ordinal).ToList();
        }

        return list.Count == 0 ? ["(no rule)"] : list;
    }

    private static bool IsAutonomyOutcome(string id, PolicyEngine engine) =>
        engine.Plan.Rules.TryGetValue(id, out var rule) && rule.Section == RuleSection.Autonomy;

    private static IReadOnlyList<ReplayRuleGroup> Group(List<ReplayDifference> differences, int examplesPerRule)
    {
        var groups = new Dictionary<string, (int L, int T, int R, List<ReplayDifference> Examples)>(StringComparer.Ordinal);
        foreach (var difference in differences)
        {
            foreach (var rule in difference.Rules)
            {
                var g = groups.TryGetValue(rule, out var found) ? found : (L: 0, T: 0, R: 0, Examples: new List<ReplayDifference>());
                switch (difference.Change)
                {
                    case ReplayChange.Loosened:
                        g.L++;
                        break;
                    case ReplayChange.Tightened:
                        g.T++;
                        break;
                    default:
                        g.R++;
                        break;
                }

                if (g.Examples.Count < examplesPerRule)
                {
                    g.Examples.Add(difference);
                }

                groups[rule] = g;
            }
        }

        return groups
            .Select(p => new ReplayRuleGroup(p.Key, p.Value.L, p.Value.T, p.Value.R, p.Value.Examples))
            .OrderByDescending(g => g.Loosened).ThenByDescending(g => g.Tightened + g.RulesChanged).ThenBy(g => g.RuleId, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The exit the command gives: non-zero when anything loosened, or (strict) when anything changed.</summary>
    public static bool Fails(ReplayReport report, bool strict) => report.Loosened > 0 || (strict && report.Changed > 0);

    /// <summary>"allow → deny" for a difference.</summary>
    public static string Arrow(ReplayDifference d) => $"{d.Old.Verdict.ToWire()} → {d.New.Verdict.ToWire()}";
}
