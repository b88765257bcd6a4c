using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;
using Autopilot.Policy.Packs;

namespace Autopilot.Core.PolicyTests;

/// <summary>One thing a policy says that a test may or may not exercise: a rule, an effect a rule names, a predicate or an exception.</summary>
/// <param name="Kind">rule, effect, predicate or exception.</param>
public sealed record CoverageItem(string Kind, string Id, string What, SourceLocation? Location, bool Covered);

/// <summary>
/// What a run of policy tests exercised (docs/policy-lifecycle.md, "Coverage"), as <c>opa test --coverage</c> reports:
/// <list type="bullet">
/// <item>rules: risk rules, escalation rules and failure classes; a rule is exercised when a case's decision names it
/// (any severity, shadow findings included) or an exception waived it for the case;</item>
/// <item>effects: each effect kind a risk rule's <c>effect.kinds</c> names; exercised when some command case's
/// command has an effect of that kind;</item>
/// <item>predicates: each rule's <c>when:</c>; exercised when the rule fired in some case (the predicate held);</item>
/// <item>exceptions: exercised when a case's decision used it.</item>
/// </list>
/// Diff rules are judged by the gate, which policy test cases do not ask; they count only as dead rules.
/// </summary>
public sealed class PolicyCoverage
{
    private readonly PolicyEngine _engine;
    private readonly HashSet<string> _fired = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _effectKinds = new(StringComparer.Ordinal);

    public PolicyCoverage(PolicyEngine engine) => _engine = engine;

    /// <summary>Takes in what one case exercised.</summary>
    public void Observe(PolicyTestOutcome outcome)
    {
        if (outcome.FailureClass is { } failureClass)
        {
            _fired.Add(failureClass);
        }

        if (outcome.Decision is { } decision)
        {
            _fired.UnionWith(decision.Findings.Select(f => f.RuleId));
            _fired.UnionWith(decision.Shadow.Select(f => f.RuleId));
            foreach (var use in decision.ExceptionsUsed)
            {
                _fired.Add(use.RuleId);
                _exceptions.Add(use.ExceptionId);
            }
        }

        if (outcome.Case.Kind == "command" && outcome.Case.Facts.TryGetValue("command", out var command))
        {
            var classification = _engine.Actions.Classifier.ClassifyCommand(command, PolicyTestRunner.Context(outcome.Case.Facts));
            _effectKinds.UnionWith(classification.Effects.Select(e => e.Kind));
        }
    }

    /// <summary>Every item and whether the cases observed so far exercised it, in policy order.</summary>
    public IReadOnlyList<CoverageItem> Items()
    {
        var plan = _engine.Plan;
        var escalation = plan.Escalation.Select(e => e.Rule).ToArray();
        var items = new List<CoverageItem>();
        items.AddRange(plan.Risks.Select(r => new CoverageItem("rule", r.Id, "risk rule", r.Location, _fired.Contains(r.Id))));
        items.AddRange(escalation.Select(e => new CoverageItem("rule", e.Id, "escalation rule", e.Location, _fired.Contains(e.Id))));
        items.AddRange(plan.Failures.Classes.Select(c => new CoverageItem("rule", c.Id, "failure class", c.Location, _fired.Contains(c.Id))));
        foreach (var rule in plan.Risks.Where(r => r.Effect is not null))
        {
            items.AddRange(rule.Effect!.Kinds.Select(kind => new CoverageItem("effect", kind, $"effect named by {rule.Id}", rule.Location,
                _effectKinds.Any(seen => EffectNames.Matches(kind, seen)))));
        }

        items.AddRange(plan.Risks.Where(r => r.When is not null).Select(r => new CoverageItem("predicate", r.Id, $"when: {r.When!.Value}", r.When.Location ?? r.Location, _fired.Contains(r.Id))));
        items.AddRange(escalation.Where(e => e.When is not null).Select(e => new CoverageItem("predicate", e.Id, $"when: {e.When!.Value}", e.When.Location ?? e.Location, _fired.Contains(e.Id))));
        items.AddRange(plan.Exceptions.Select(e => new CoverageItem("exception", e.Id, $"exception to {e.Rule.Value}", e.Location, _exceptions.Contains(e.Id))));
        return items;
    }

    /// <summary>Percentage of rules exercised (100 when the policy has none).</summary>
    public static double RulePercent(IReadOnlyList<CoverageItem> items)
    {
        var rules = items.Where(i => i.Kind == "rule").ToArray();
        return rules.Length == 0 ? 100 : 100.0 * rules.Count(r => r.Covered) / rules.Length;
    }

    /// <summary>
    /// Rules of the policy (risk, escalation and diff rules) that no decision in the ledger's decision log names, shadow
    /// findings included: candidates for removal, or rules whose matcher never matches what agents really do.
    /// </summary>
    /// <returns>The dead rules and how many logged decisions were read.</returns>
    public static (IReadOnlyList<CoverageItem> Dead, int Decisions) DeadRules(PolicyEngine engine, IReadOnlyList<LedgerEntry> entries, ICollection<string>? problems = null)
    {
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var logged in DecisionLog.Read(entries, problems))
        {
            count++;
            fired.UnionWith(logged.Record.Rules.Select(r => r.Id));
            fired.UnionWith(logged.Record.Shadow.Select(r => r.Id));
        }

        // Uses of exceptions name the rule they waived: the rule matched, so it is not dead.
        fired.UnionWith(entries.Where(e => PolicyExceptions.ActionApprovals.Event(e) == PolicyExceptions.ExceptionLedger.UsedEvent).SelectMany(e => e.RuleIds));
        var plan = engine.Plan;
        var dead = plan.Risks.Select(r => new CoverageItem("rule", r.Id, "risk rule", r.Location, false))
            .Concat(plan.Escalation.Select(e => new CoverageItem("rule", e.Rule.Id, "escalation rule", e.Rule.Location, false)))
            .Concat(plan.Diff.Select(d => new CoverageItem("rule", d.Id, $"diff rule ({d.Kind})", d.Location, false)))
            .Where(i => !fired.Contains(i.Id))
            .ToArray();
        return (dead, count);
    }
}
