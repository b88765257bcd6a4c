using System.Diagnostics;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tools;

/// <summary>
/// Which tools each phase may call: the phase's own list plus <c>tools.always</c>; a phase with no list is
/// unrestricted. This is the phase guard alone, whatever the actor's level (the classifier decides it; see
/// <see cref="ActionEvaluator"/> for the full action decision with risk and autonomy).
/// </summary>
internal sealed class ToolGuard
{
    private readonly PolicyEngine _engine;

    public ToolGuard(PolicyEngine engine) => _engine = engine;

    public Decision Check(string phase, string tool)
    {
        var started = Stopwatch.GetTimestamp();
        if (_engine.Plan.IndexOfPhase(phase) < 0)
        {
            var unknown = _engine.Plan.Transitions.UnknownPhase;
            return Decision.FailClosed(unknown.Id, $"'{phase}' is not a phase of this policy ({string.Join(", ", _engine.Plan.Phases)}).", _engine.PolicyHash);
        }

        var context = new ActionContext(Directory.GetCurrentDirectory(), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)) { Phase = phase, ResolveSymlinks = false };
        var classification = _engine.Actions.Classifier.ClassifyTool(tool, context);
        var findings = classification.Matches
            .Where(m => m.FixedVerdict is not null || m.RuleId == ActionRuleIds.InvalidTool)
            .Select(m => new Finding(m.RuleId, (m.FixedVerdict ?? Verdict.Deny).ToSeverity(), m.Reason + AllowedHere(phase)))
            .ToArray();
        return RuleEnforcement.Apply(new Decision(findings, _engine.PolicyHash, Stopwatch.GetElapsedTime(started)), _engine.Plan);
    }

    private string AllowedHere(string phase)
    {
        var index = _engine.Plan.IndexOfPhase(phase);
        return index >= 0 && _engine.Plan.PhaseTools[index] is { } tools ? $" Allowed here: {string.Join(", ", tools)}." : "";
    }
}
