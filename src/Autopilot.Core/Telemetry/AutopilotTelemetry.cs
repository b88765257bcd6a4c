using System.Diagnostics;
using System.Diagnostics.Metrics;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Telemetry;

/// <summary>
/// Autopilot's OpenTelemetry signals: one ActivitySource (spans for transitions, gates, checks) and one Meter.
/// Instruments cost nothing when no listener is attached; the CLI attaches exporters only when the standard
/// OTEL_* environment variables ask for them (the <c>autopilot</c> command's <c>TelemetrySetup</c>; a .NET host adds <see cref="Name"/> to its own OpenTelemetry providers).
/// </summary>
public static class AutopilotTelemetry
{
    public const string Name = "Autopilot";

    internal static readonly ActivitySource Source = new(Name, typeof(AutopilotTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(AutopilotTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Phase transitions evaluated, tagged with the verdict and the kind of move.</summary>
    internal static readonly Counter<long> Transitions = Meter.CreateCounter<long>("autopilot.transitions", description: "Phase transitions evaluated.");

    internal static readonly Counter<long> PhaseSkipsAttempted = Meter.CreateCounter<long>("autopilot.phase_skips_attempted", description: "Transitions that tried to skip phases.");

    internal static readonly Counter<long> PhaseBacktracks = Meter.CreateCounter<long>("autopilot.phase_backtracks", description: "Moves back to an earlier phase.");

    internal static readonly Counter<long> EvidenceGateFailed = Meter.CreateCounter<long>("autopilot.evidence_gate_failed", description: "Forward moves refused for missing or invalid evidence.");

    internal static readonly Counter<long> PromptDriftDetected = Meter.CreateCounter<long>("autopilot.prompt_drift_detected", description: "Recorded prompt or header hashes that changed.");

    internal static readonly Counter<long> Escalations = Meter.CreateCounter<long>("autopilot.escalations", description: "Escalation rules that fired.");

    /// <summary>Every decision, tagged with its verdict and the question (transition, action, gate, escalation...).</summary>
    internal static readonly Counter<long> Decisions = Meter.CreateCounter<long>("autopilot.decisions", description: "Decisions by verdict.");

    internal static void RecordDecision(string question, Decision decision, Activity? activity = null)
    {
        var verdict = decision.Verdict.ToWire();
        Decisions.Add(1, new KeyValuePair<string, object?>("autopilot.question", question), new KeyValuePair<string, object?>("autopilot.verdict", verdict));
        if (activity is not null)
        {
            activity.SetTag("autopilot.verdict", verdict);
            activity.SetTag("autopilot.policy_hash", decision.PolicyHash);
            activity.SetTag("autopilot.rule_ids", string.Join(",", decision.Findings.Select(f => f.RuleId).Distinct()));
            if (decision.Verdict != Verdict.Allow)
            {
                activity.SetStatus(ActivityStatusCode.Error, verdict);
            }
        }
    }
}
