using System.Text;
using Autopilot.Core.Decisions;
using Autopilot.Core.Effects;
using Autopilot.Core.Policies;
using Autopilot.Core.Shell;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Actions;

/// <summary>One rule that matched a command, whether its <c>when:</c> predicate held, and where the rule is written.</summary>
internal sealed record ExplainedMatch(ActionMatch Match, bool? PredicateHeld, bool Decided)
{
    public SourceLocation? RuleLocation => Match.Rule?.Location;
}

/// <summary>
/// Everything behind a command's decision, for <c>autopilot explain command</c>: the invocations the parser found, the
/// effects the packs resolved with their target classes, the rules that matched (file and line, predicate result),
/// the level decision, and the safer alternatives the rules and packs know.
/// </summary>
internal sealed record CommandExplanation(
    string Command,
    string Level,
    ParseResult Parse,
    IReadOnlyList<Effect> Effects,
    IReadOnlyList<ExplainedMatch> Matches,
    Decision Decision,
    string Risk,
    IReadOnlyList<string> Alternatives,
    ActionClassification Classification)
{
    /// <summary>Classifies and decides <paramref name="command"/> for an actor at <paramref name="level"/>.</summary>
    public static CommandExplanation Explain(PolicyEngine engine, string command, ActionContext context, string level)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var classification = engine.Actions.Classifier.ClassifyCommand(command, context);
        // Predicates judge each match (each invocation); a match is kept when its predicate held or failed closed.
        var judged = engine.Actions.ApplyPredicates(classification, level, context, command);
        var decision = engine.Actions.Decide("explain", judged, level, context, command);
        var decidedIds = decision.Findings.Where(f => f.Severity != Severity.Warning || !f.Message.Contains("predicate", StringComparison.Ordinal)).Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal);
        bool Kept(ActionMatch m) => judged.Matches.Any(k => k.RuleId == m.RuleId && k.Quote == m.Quote && ReferenceEquals(k.Invocation, m.Invocation));
        var matches = classification.Matches
            .Select(m => new ExplainedMatch(m, m.Rule?.When is null ? null : Kept(m), Kept(m) && decidedIds.Contains(m.RuleId)))
            .ToList();
        return new CommandExplanation(command, level, classification.Parse!, classification.Effects, matches, decision, judged.Risk, AlternativesOf(judged, decidedIds), judged);
    }

    /// <summary>The safer ways the matches that decided (<paramref name="decidedIds"/>) know, each once.</summary>
    public static IReadOnlyList<string> AlternativesOf(ActionClassification judged, IReadOnlySet<string> decidedIds)
    {
        ArgumentNullException.ThrowIfNull(judged);
        ArgumentNullException.ThrowIfNull(decidedIds);
        return judged.Matches
            .Where(m => m.Alternative is not null && decidedIds.Contains(m.RuleId))
            .Select(m => m.Alternative!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The way forward after a decision that is not an allow, as agents read it: the alternatives, or a plea not to
    /// retry in another form; an escalation adds that a human may approve the exact command. Starts with "Instead: ".
    /// </summary>
    public static string Instead(IReadOnlyList<string> alternatives, Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(alternatives);
        return "Instead: " + (alternatives.Count > 0 ? string.Join("; or ", alternatives) : "do not retry this in another form")
            + (verdict == Verdict.Escalate ? "; or ask a human to approve this exact command." : ".");
    }

    /// <summary>The explanation in plain text, one section per stage.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append("command: ").Append(Command).Append('\n');
        sb.Append("invocations:\n");
        if (Parse.Invocations.Count == 0)
        {
            sb.Append("  (none)\n");
        }

        foreach (var inv in Parse.Invocations)
        {
            sb.Append("  - ").Append(inv.Text);
            if (inv.Context != InvocationContext.None)
            {
                sb.Append("   [").Append(InvocationContexts.Format(inv.Context)).Append(']');
            }

            if (inv.UnknownReason is { } why)
            {
                sb.Append("   unknown: ").Append(why);
            }

            sb.Append('\n');
        }

        foreach (var error in Parse.Errors)
        {
            sb.Append("  parse error: ").Append(error).Append('\n');
        }

        sb.Append("effects:\n");
        if (Effects.Count == 0)
        {
            sb.Append("  (none)\n");
        }

        foreach (var effect in Effects)
        {
            sb.Append("  - ").Append(effect);
            if (effect.TargetUnknown)
            {
                sb.Append(" (target unknown)");
            }

            if (effect.Invocation is { } by)
            {
                sb.Append(" by '").Append(by.Text).Append('\'');
            }

            if (effect.Pack is { } pack)
            {
                sb.Append(" [pack ").Append(pack).Append(effect.Location is { } l ? $" {l.Path}({l.Line},{l.Column})" : "").Append(']');
            }

            if (effect.Reason is { } reason)
            {
                sb.Append(": ").Append(reason);
            }

            sb.Append('\n');
        }

        sb.Append("rules:\n");
        if (Matches.Count == 0)
        {
            sb.Append("  (none matched)\n");
        }

        foreach (var m in Matches)
        {
            sb.Append("  - ").Append(m.Match.RuleId).Append(" [").Append(m.Match.Risk).Append(']');
            if (m.RuleLocation is { } at)
            {
                sb.Append(" at ").Append(at.Path).Append('(').Append(at.Line).Append(',').Append(at.Column).Append(')');
            }

            sb.Append(": ").Append(m.Match.Reason).Append('\n');
            if (m.Match.Rule?.When is { } when)
            {
                sb.Append("      when: ").Append(when.Value).Append(" → ").Append(m.PredicateHeld == true ? "true (the rule applies)" : "false (the rule does not apply)").Append('\n');
            }
        }

        sb.Append("decision at level '").Append(Level).Append("': ").Append(Decision.Verdict.ToString().ToLowerInvariant())
            .Append(" (risk ").Append(Risk).Append(")\n");
        foreach (var f in Decision.Findings.Where(f => f.RuleId.StartsWith(RuleIds.AutonomyFamily, StringComparison.Ordinal)))
        {
            sb.Append("  ").Append(f.RuleId).Append(": ").Append(f.Message).Append('\n');
        }

        if (Alternatives.Count > 0)
        {
            sb.Append("instead:\n");
            foreach (var a in Alternatives)
            {
                sb.Append("  - ").Append(a).Append('\n');
            }
        }

        return sb.ToString();
    }
}
