using Autopilot.Policy.Model;
using Autopilot.Policy.Packs;

namespace Autopilot.Core.Effects;

/// <summary>A risk rule's <c>effect:</c> matcher, ready to test effects: kinds, target classes, recursion, methods, hosts.</summary>
internal sealed class CompiledEffectRule(RiskRuleDef rule, EffectMatchDef match, int riskIndex)
{
    public RiskRuleDef Rule { get; } = rule;

    public int RiskIndex { get; } = riskIndex;

    /// <param name="targetClass">The target's class for file effects with a target; null otherwise.</param>
    public bool Matches(Effect effect, string? targetClass)
    {
        if (match.Kinds.Count > 0 && !match.Kinds.Any(k => EffectNames.Matches(k, effect.Kind)))
        {
            return false;
        }

        if (match.Targets.Count > 0 && (targetClass is null || !match.Targets.Contains(targetClass)))
        {
            return false;
        }

        if (match.Recursive is { } recursive && recursive != effect.Recursive)
        {
            return false;
        }

        if (match.Methods.Count > 0 && (effect.Method is null || !match.Methods.Contains(effect.Method)))
        {
            return false;
        }

        return match.Hosts.Count == 0 || (effect.Host is not null && match.Hosts.Contains(effect.Host));
    }
}
