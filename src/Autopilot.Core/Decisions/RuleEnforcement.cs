using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Decisions;

/// <summary>
/// The last step of every evaluation (issue 14): each finding gets its rule's provenance (where the rule is written)
/// and its rule's enforcement level applied. A <see cref="Enforcement.Warn"/> finding is kept as a warning, with the
/// severity it would have had in <see cref="Finding.Intended"/>; a <see cref="Enforcement.Shadow"/> finding moves to
/// <see cref="Decision.Shadow"/>, out of the verdict. Applying it twice changes nothing.
/// </summary>
public static class RuleEnforcement
{
    public static Decision Apply(Decision decision, PolicyPlan plan)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(plan);
        List<Finding>? visible = null;
        List<Finding>? shadow = null;
        for (var i = 0; i < decision.Findings.Count; i++)
        {
            var finding = decision.Findings[i];
            var applied = Apply(finding, plan, out var toShadow);
            if (visible is null && (toShadow || !ReferenceEquals(applied, finding)))
            {
                visible = [.. decision.Findings.Take(i)];
            }

            if (toShadow)
            {
                (shadow ??= [.. decision.Shadow]).Add(applied);
            }
            else
            {
                visible?.Add(applied);
            }
        }

        if (visible is null)
        {
            return decision;
        }

        return new Decision(visible, decision.PolicyHash, decision.Elapsed) { Shadow = shadow ?? decision.Shadow };
    }

    /// <summary>The finding with its rule's provenance and level; <paramref name="toShadow"/> when it belongs beside the decision.</summary>
    public static Finding Apply(Finding finding, PolicyPlan plan, out bool toShadow)
    {
        toShadow = false;
        if (!plan.Rules.TryGetValue(finding.RuleId, out var rule))
        {
            return finding;
        }

        var result = finding.RuleSource is null && rule.Location is not null ? finding with { RuleSource = rule.Location } : finding;
        switch (rule.Enforcement)
        {
            case Enforcement.Warn when result.Enforcement != Enforcement.Warn:
                return result with
                {
                    Enforcement = Enforcement.Warn,
                    Intended = result.Severity,
                    Severity = result.Severity > Severity.Warning ? Severity.Warning : result.Severity,
                };
            case Enforcement.Shadow:
                toShadow = true;
                return result.Enforcement == Enforcement.Shadow ? result : result with { Enforcement = Enforcement.Shadow, Intended = result.Severity };
            default:
                return result;
        }
    }

    /// <summary>The enforcement level of the rule a finding names (enforce for a rule the plan does not list).</summary>
    public static Enforcement LevelOf(string ruleId, PolicyPlan plan) =>
        plan.Rules.TryGetValue(ruleId, out var rule) ? rule.Enforcement : Enforcement.Enforce;
}
