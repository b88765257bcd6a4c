using System.Diagnostics;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.Predicates;
using Autopilot.Core.Telemetry;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Escalation;

/// <summary>
/// Should a human be called in? Every escalation rule whose condition (and <c>when:</c> predicate, if any)
/// holds adds a finding; a predicate that fails makes its rule fire (fail closed) with the reason.
/// </summary>
public sealed class EscalationEvaluator
{
    private readonly PolicyEngine _engine;

    public EscalationEvaluator(PolicyEngine engine) => _engine = engine;

    public Decision Evaluate(RunSignals signals)
    {
        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.escalation");
        var decision = RuleEnforcement.Apply(EvaluateCore(signals), _engine.Plan);
        foreach (var finding in decision.Findings)
        {
            AutopilotTelemetry.Escalations.Add(1, new KeyValuePair<string, object?>("autopilot.rule_id", finding.RuleId));
        }

        AutopilotTelemetry.RecordDecision("escalation", decision, activity);
        return decision;
    }

    private Decision EvaluateCore(RunSignals signals)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var fired = _engine.EscalationGate.Evaluate(signals.Values);
        List<Finding>? findings = null;
        string? facts = null;
        for (var i = 0; i < plan.Escalation.Count; i++)
        {
            var rule = plan.Escalation[i].Rule;
            var conditionHolds = rule.Condition is null || (fired & (1UL << i)) != 0;
            if (!conditionHolds)
            {
                continue;
            }

            if (rule.When is { } when)
            {
                facts ??= signals.ToFactsJson();
                try
                {
                    if (!_engine.Predicates.Evaluate(when.Value, facts))
                    {
                        continue;
                    }
                }
                catch (PredicateException ex)
                {
                    (findings ??= []).Add(new Finding(rule.Id, VerdictExtensions.Max(rule.Severity.ToVerdict(), Verdict.Escalate).ToSeverity(),
                        $"{rule.Message} (its 'when' predicate failed, so the rule fires: {ex.Message})", when.Location));
                    continue;
                }
            }

            (findings ??= []).Add(new Finding(rule.Id, rule.Severity, rule.Message));
        }

        return new Decision(findings ?? (IReadOnlyList<Finding>)[], plan.PolicyHash, Stopwatch.GetElapsedTime(started));
    }
}
