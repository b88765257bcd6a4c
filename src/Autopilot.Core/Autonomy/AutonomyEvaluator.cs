using System.Diagnostics;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Autonomy;

/// <summary>
/// Actor level × risk level → allow, escalate or deny, as the policy's autonomy levels say.
/// </summary>
internal sealed class AutonomyEvaluator
{
    private readonly PolicyEngine _engine;

    public AutonomyEvaluator(PolicyEngine engine) => _engine = engine;

    /// <summary>The decision for an actor at <paramref name="level"/> taking an action of <paramref name="risk"/>;
    /// <paramref name="because"/> names the rule that classified the action, when there is one.</summary>
    public Decision Check(string level, string risk, string? because = null)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var l = plan.IndexOfAutonomyLevel(level);
        var r = plan.IndexOfRisk(risk);
        if (l < 0 || r < 0)
        {
            var message = l < 0
                ? $"'{level}' is not an autonomy level of this policy ({string.Join(", ", plan.AutonomyLevels)})."
                : $"'{risk}' is not a risk level of this policy ({string.Join(", ", plan.RiskLevels)}).";
            return Decision.FailClosed(RuleIds.AutonomyUnknown, message, plan.PolicyHash);
        }

        return Check(l, r, because, started);
    }

    public Decision Check(int level, int risk, string? because = null, long started = 0)
    {
        started = started == 0 ? Stopwatch.GetTimestamp() : started;
        var plan = _engine.Plan;
        var verdict = _engine.AutonomyGate.Check(level, risk);
        if (verdict == Verdict.Allow)
        {
            return new Decision([], plan.PolicyHash, Stopwatch.GetElapsedTime(started));
        }

        var def = plan.Autonomy.Levels[level];
        var rule = verdict == Verdict.Deny ? plan.Autonomy.FarAboveLevel : plan.Autonomy.AboveLevel;
        var message = MessageTemplate.Fill(rule.Message,
            ("risk", plan.RiskLevels[risk]), ("level", def.Id), ("allow", RiskName(plan, def.AllowUpTo)), ("escalate", RiskName(plan, def.EscalateUpTo)));
        if (because is not null)
        {
            message += $" ({because})";
        }

        return RuleEnforcement.Apply(new Decision([new Finding(rule.Id, verdict.ToSeverity(), message)], plan.PolicyHash, Stopwatch.GetElapsedTime(started)), plan);
    }

    private static string RiskName(Policy.Plan.PolicyPlan plan, int risk) => (uint)risk < (uint)plan.RiskLevels.Count ? plan.RiskLevels[risk] : "none";
}
