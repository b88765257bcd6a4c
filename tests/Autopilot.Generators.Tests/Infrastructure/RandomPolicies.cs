using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Autopilot.Generators.Tests.Infrastructure;

/// <summary>A random condition tree: a comparison, All/Any of children, or a comparison with extra All/Any (the binder's mixed form).</summary>
internal sealed record RandomCondition(string? Signal, string Op, double Value, RandomCondition[] All, RandomCondition[] Any)
{
    public void Write(StringBuilder yaml)
    {
        var parts = new List<string>();
        if (Signal is not null)
        {
            parts.Add($"signal: {Signal}, op: \"{Op}\", value: {Value.ToString("R", CultureInfo.InvariantCulture)}");
        }

        foreach (var (key, children) in new[] { ("all", All), ("any", Any) })
        {
            if (children.Length > 0)
            {
                var inner = new StringBuilder();
                for (var i = 0; i < children.Length; i++)
                {
                    inner.Append(i > 0 ? ", " : "");
                    children[i].Write(inner);
                }

                parts.Add($"{key}: [{inner}]");
            }
        }

        yaml.Append("{ ").Append(string.Join(", ", parts)).Append(" }");
    }

    public IEnumerable<double> Values() => (Signal is null ? [] : new[] { Value }).Concat(All.SelectMany(c => c.Values())).Concat(Any.SelectMany(c => c.Values()));
}

internal sealed record RandomEscalation(string Id, string Severity, RandomCondition? Condition);

internal sealed record RandomLevel(string Id, int AllowUpTo, int? EscalateUpTo);

/// <summary>A random valid policy: phases, edges, evidence, verdicts, risk and autonomy levels, escalation rules.</summary>
internal sealed record RandomPolicy(
    string[] Phases,
    bool Explicit,
    (int From, int To)[] Edges,
    int EvidenceCount,
    int[][] PhaseEvidence,
    string?[] Verdicts,
    string[]? RiskLevels,
    RandomLevel[] Levels,
    int? DefaultLevel,
    RandomEscalation[] Escalation)
{
    private static readonly string[] s_verdictKeys = ["skip", "backtrack", "missingEvidence", "samePhase", "unknownPhase"];

    public IReadOnlyList<string> Risks => RiskLevels ?? ["none", "low", "medium", "high", "critical"];

    /// <summary>Every comparison value in the policy: the interesting places for signal values to fall.</summary>
    public double[] Thresholds => [.. Escalation.Where(e => e.Condition is not null).SelectMany(e => e.Condition!.Values()).Distinct()];

    public string ToYaml()
    {
        var y = new StringBuilder();
        y.AppendLine("apiVersion: autopilot/v1");
        y.AppendLine("metadata: { name: random, version: 0.0.1 }");
        if (RiskLevels is not null)
        {
            y.AppendLine($"riskLevels: [{string.Join(", ", RiskLevels.Select(Quote))}]");
        }

        y.AppendLine("phases:");
        for (var p = 0; p < Phases.Length; p++)
        {
            y.AppendLine($"  - id: {Quote(Phases[p])}");
            y.AppendLine($"    evidence: [{string.Join(", ", PhaseEvidence[p].Select(e => Quote(EvidenceId(e))))}]");
        }

        y.AppendLine("transitions:");
        y.AppendLine($"  mode: {(Explicit ? "explicit" : "sequential")}");
        y.AppendLine($"  edges: [{string.Join(", ", Edges.Select(e => $"{{ from: {Quote(Phases[e.From])}, to: {Quote(Phases[e.To])} }}"))}]");
        for (var i = 0; i < s_verdictKeys.Length; i++)
        {
            if (Verdicts[i] is { } verdict)
            {
                y.AppendLine($"  {s_verdictKeys[i]}: {{ verdict: {verdict} }}");
            }
        }

        y.AppendLine("evidence:");
        y.AppendLine($"  items: [{string.Join(", ", Enumerable.Range(0, EvidenceCount).Select(e => $"{{ id: {Quote(EvidenceId(e))}, path: e{e}.md }}"))}]");
        y.AppendLine("autonomy:");
        if (DefaultLevel is { } d)
        {
            y.AppendLine($"  default: {Quote(Levels[d].Id)}");
        }

        y.AppendLine($"  levels: [{string.Join(", ", Levels.Select(l => $"{{ id: {Quote(l.Id)}, allowUpTo: {Quote(Risks[l.AllowUpTo])}{(l.EscalateUpTo is { } e ? $", escalateUpTo: {Quote(Risks[e])}" : "")} }}"))}]");
        y.AppendLine($"actions: {{ defaultRisk: {Quote(Risks[0])}, unlistedRisk: {Quote(Risks[^1])}, unknownRisk: {Quote(Risks[^1])} }}");
        y.AppendLine("escalation:");
        foreach (var rule in Escalation)
        {
            y.AppendLine($"  - id: {Quote(rule.Id)}");
            y.AppendLine($"    severity: {rule.Severity}");
            y.AppendLine("    message: generated");
            if (rule.Condition is null)
            {
                y.AppendLine("    when: \"facts.signals.retries > 1\"");
            }
            else
            {
                var condition = new StringBuilder();
                rule.Condition.Write(condition);
                y.AppendLine($"    condition: {condition}");
            }
        }

        return y.ToString();
    }

    private static string EvidenceId(int e) => $"ev-{e}";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>FsCheck generators of random valid policies and of facts to put to their gates.</summary>
internal static class RandomPolicyGen
{
    private static readonly string[] s_signals = [.. Autopilot.Policy.Model.SignalNames.All];
    private static readonly string[] s_ops = [">=", ">", "<=", "<", "==", "!="];
    private static readonly string[] s_verdicts = ["allow", "escalate", "deny"];
    private static readonly string[] s_severities = ["info", "warning", "escalate", "deny"];
    private static readonly double[] s_values = [-1, 0, 0.1, 0.25, 0.5, 0.8, 1, 2, 3, 5, 25, 30, 1e-3, 0.1 + 0.2];

    public static Gen<RandomPolicy> Policy() =>
        from phaseCount in Gen.Frequency((8, Gen.Choose(1, 10)), (1, Gen.Choose(11, 40)))
        from phaseNames in Gen.Elements("p", "phase-", "Phase_", "ünï ", "2nd.").ArrayOf(phaseCount)
        from isExplicit in Gen.Elements(true, false)
        from tree in Gen.CollectToArray(Enumerable.Range(1, Math.Max(0, phaseCount - 1)), child => Gen.Choose(0, child - 1).Select(parent => (parent, child)))
        from extra in Gen.Zip(Gen.Choose(0, phaseCount - 1), Gen.Choose(0, phaseCount - 1)).Select(t => (t.Item1, t.Item2)).ArrayOf()
        from evidenceCount in Gen.Frequency((12, Gen.Choose(0, 8)), (1, Gen.Choose(60, 64)))
        from phaseEvidence in (evidenceCount == 0 ? Gen.Constant(Array.Empty<int>()) : Gen.Choose(0, evidenceCount - 1).ArrayOf().Select(a => a.Take(4).ToArray())).ArrayOf(phaseCount)
        from verdicts in Gen.Elements<string?>(null, "allow", "escalate", "deny").ArrayOf(5)
        from riskCount in Gen.Choose(0, 6)
        from levels in Levels(riskCount == 0 ? 5 : riskCount)
        from defaultLevel in levels.Length == 0 ? Gen.Constant<int?>(null) : Gen.Frequency((1, Gen.Constant<int?>(null)), (2, Gen.Choose(0, levels.Length - 1).Select(i => (int?)i)))
        from escalation in Gen.Frequency((12, Gen.Choose(0, 8)), (1, Gen.Choose(60, 64))).SelectMany(count => Gen.CollectToArray(Enumerable.Range(0, count), Escalation))
        select new RandomPolicy(
            [.. phaseNames.Select((prefix, i) => prefix + i.ToString(CultureInfo.InvariantCulture))],
            isExplicit,
            // Explicit mode needs a path to every phase: a random tree from the first phase, plus random edges of any kind.
            [.. (isExplicit ? tree : []).Concat(extra.Take(phaseCount))],
            evidenceCount,
            phaseEvidence,
            verdicts,
            riskCount == 0 ? null : [.. Enumerable.Range(0, riskCount).Select(i => $"r{i}")],
            levels,
            defaultLevel,
            escalation);

    private static Gen<RandomLevel[]> Levels(int risks) =>
        Gen.Choose(0, 6).SelectMany(count => Gen.CollectToArray(Enumerable.Range(0, count), i =>
            from allow in Gen.Choose(0, risks - 1)
            from escalate in Gen.Frequency((1, Gen.Constant<int?>(null)), (3, Gen.Choose(allow, risks - 1).Select(e => (int?)e)))
            select new RandomLevel($"level-{i}", allow, escalate)));

    private static Gen<RandomEscalation> Escalation(int index) =>
        from severity in Gen.Elements(s_severities)
        from condition in Gen.Frequency((1, Gen.Constant<RandomCondition?>(null)), (8, Condition(3).Select(c => (RandomCondition?)c)))
        select new RandomEscalation($"ESC-{index}", severity, condition);

    private static Gen<RandomCondition> Condition(int depth)
    {
        var leaf =
            from signal in Gen.Elements(s_signals)
            from op in Gen.Elements(s_ops)
            from value in Gen.Elements(s_values)
            select new RandomCondition(signal, op, value, [], []);
        if (depth == 0)
        {
            return leaf;
        }

        var children = Gen.Choose(1, 3).SelectMany(n => Condition(depth - 1).ArrayOf(n));
        var none = Gen.Constant(Array.Empty<RandomCondition>());
        return Gen.Frequency(
            (4, leaf),
            (2, children.Select(all => new RandomCondition(null, ">=", 0, all, []))),
            (2, children.Select(any => new RandomCondition(null, ">=", 0, [], any))),
            (1, Gen.Zip(children, children).Select(t => new RandomCondition(null, ">=", 0, t.Item1, t.Item2))),
            (1, from l in leaf from all in Gen.OneOf(children, none) from any in Gen.OneOf(children, none) select l with { All = all, Any = any }));
    }

    /// <summary>A question to put to both the interpreted and the generated gates.</summary>
    internal sealed record Fact(int From, int To, ulong Evidence, int Level, int Risk, double[] Signals)
    {
        public override string ToString() =>
            $"from={From} to={To} evidence=0x{Evidence:x} level={Level} risk={Risk} signals=[{string.Join(", ", Signals.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))}]";
    }

    /// <summary>Facts around the edges of a policy: indices just out of range, evidence near what a phase needs, signals at and beside thresholds.</summary>
    public static Gen<Fact> Facts(int phases, IReadOnlyList<ulong> required, int levels, int risks, double[] thresholds)
    {
        var index = (int count) => Gen.Frequency((12, Gen.Choose(-1, count)), (1, Gen.Elements(int.MinValue, int.MaxValue, -2, count + 1)));
        var near = thresholds.SelectMany(t => new[] { t, Math.BitDecrement(t), Math.BitIncrement(t) }).ToArray();
        var value = Gen.Frequency(
            (6, near.Length > 0 ? Gen.Elements(near) : Gen.Constant(0.0)),
            (2, Gen.Choose(-3, 40).Select(i => (double)i)),
            (2, Gen.Choose(0, 1000).Select(i => i / 1000.0)),
            (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.MaxValue, double.Epsilon)));
        var anyBits = Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue)).Select(t => ((ulong)(uint)t.Item1 << 32) | (uint)t.Item2);
        return
            from source in index(phases)
            from target in Gen.Frequency((3, index(phases)), (1, Gen.Constant(source + 1)))
            from noise in anyBits
            from evidence in Gen.Frequency(
                (2, Gen.Constant(noise)),
                (2, Gen.Constant((uint)source < (uint)phases ? required[source] | (noise & 0xF0F0) : noise)),
                (2, Gen.Constant((uint)source < (uint)phases ? required[source] & ~(1UL << (int)(noise % 64)) : 0)),
                (1, Gen.Constant(0UL)))
            from level in index(levels)
            from risk in index(risks)
            from length in Gen.Frequency((6, Gen.Constant(Autopilot.Policy.Model.SignalNames.All.Count)), (2, Gen.Choose(0, 14)))
            from signals in value.ArrayOf(length)
            select new Fact(source, target, evidence, level, risk, signals);
    }
}
