using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.Telemetry;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Attestation;

/// <summary>
/// The attestation question: do the current hashes of a task's prompts and headers match the ones recorded for its
/// phase? Drift is a finding of the policy's attestation rule, at the severity the policy sets for the phase (warning by
/// default, an error in verify, review, monitor); nothing recorded at all is at least an escalation.
/// </summary>
public static class AttestationDecision
{
    /// <summary>The decision on a comparison the store made (<see cref="AttestationStore.Check"/>).</summary>
    /// <exception cref="ArgumentException">The check's phase is not a phase of the policy.</exception>
    public static Decision Decide(PolicyEngine engine, AttestationCheckResult check)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(check);
        var phaseIndex = engine.Plan.IndexOfPhase(check.Phase);
        if (phaseIndex < 0)
        {
            throw new ArgumentException($"'{check.Phase}' is not a phase of this policy.", nameof(check));
        }

        var settings = engine.Plan.Attestation;
        var severity = engine.Plan.AttestationDrift[phaseIndex];
        var findings = new List<Finding>();
        if (!check.Recorded)
        {
            findings.Add(new Finding(settings.RuleId, VerdictExtensions.Max(severity.ToVerdict(), Verdict.Escalate).ToSeverity(),
                $"Nothing was recorded for {check.Task}/{check.Phase}: record the hashes first (autopilot attest record)."));
        }

        foreach (var drift in check.Drift)
        {
            AutopilotTelemetry.PromptDriftDetected.Add(1, new KeyValuePair<string, object?>("autopilot.phase", check.Phase));
            findings.Add(new Finding(settings.RuleId, severity, MessageTemplate.Fill(settings.Message,
                ("subject", drift.Subject), ("phase", check.Phase), ("expected", drift.Expected ?? "(none)"), ("actual", drift.Actual ?? "(none)"))));
        }

        return new Decision(findings, engine.PolicyHash, TimeSpan.Zero);
    }
}
