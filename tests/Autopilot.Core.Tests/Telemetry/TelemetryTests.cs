using System.Diagnostics;
using System.Diagnostics.Metrics;
using Autopilot.Core.Escalation;
using Autopilot.Core.Telemetry;
using Autopilot.Core.Tests.Engine;
using Autopilot.Core.Transitions;

namespace Autopilot.Core.Tests.Telemetry;

/// <summary>The Meter and ActivitySource record what the engine decides (listened to in process, as an SDK would).</summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void TransitionsSkipsBacktracksAndEvidenceFailuresAreCounted()
    {
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AutopilotTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (counts)
            {
                counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        var spans = new List<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AutopilotTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(activities);

        var evaluator = new TransitionEvaluator(EngineFixture.Default);
        evaluator.Evaluate(new("T-1", "strategize", "plan", _root.Path));      // skip
        evaluator.Evaluate(new("T-1", "verify", "spec", _root.Path));          // backtrack
        evaluator.Evaluate(new("T-1", "strategize", "spec", _root.Path));      // missing evidence
        new EscalationEvaluator(EngineFixture.Default).Evaluate(RunSignals.Parse("""{"consecutiveFailures": 5}"""));
        listener.RecordObservableInstruments();

        // Other tests' engines run on other threads and report to the same listeners: read copies.
        Dictionary<string, long> counted;
        lock (counts)
        {
            counted = new(counts);
        }

        Activity[] stopped;
        lock (spans)
        {
            stopped = [.. spans];
        }

        Assert.True(counted.GetValueOrDefault("autopilot.transitions") >= 3);
        Assert.True(counted.GetValueOrDefault("autopilot.phase_skips_attempted") >= 1);
        Assert.True(counted.GetValueOrDefault("autopilot.phase_backtracks") >= 1);
        Assert.True(counted.GetValueOrDefault("autopilot.evidence_gate_failed") >= 1);
        Assert.True(counted.GetValueOrDefault("autopilot.escalations") >= 1);
        Assert.True(counted.GetValueOrDefault("autopilot.decisions") >= 4);
        Assert.Contains(stopped, s => s.OperationName == "autopilot.transition" && (string?)s.GetTagItem("autopilot.verdict") == "deny" && (string?)s.GetTagItem("autopilot.rule_ids") == "AP-PHASE-SKIP");
        Assert.Contains(stopped, s => s.OperationName == "autopilot.escalation");
    }
}
