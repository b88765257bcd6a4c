using Autopilot.Core.Escalation;

namespace Autopilot.Core.Tests.Conformance;

/// <summary>What every run-signals store promises (files, PostgreSQL), run against each.</summary>
public abstract class RunSignalsStoreConformance
{
    /// <summary>A new store instance on the same signals (as another process would open it).</summary>
    protected abstract IRunSignalsStore OpenStore();

    [SkippableFact]
    public void Outcomes_CountFailures_RepeatedErrors_AndIterations_AndASuccessResets()
    {
        var store = OpenStore();
        store.RecordOutcome("s-1", failed: true, "error: disk full");
        var twice = store.RecordOutcome("s-1", failed: true, "error: disk full  ");
        Assert.Equal(2, twice["consecutiveFailures"]);
        Assert.Equal(2, twice["repeatedErrorCount"]);
        var other = OpenStore().RecordOutcome("s-1", failed: true, "error: another");
        Assert.Equal(3, other["consecutiveFailures"]);
        Assert.Equal(1, other["repeatedErrorCount"]);
        var ok = store.RecordOutcome("s-1", failed: false, null);
        Assert.Equal(0, ok["consecutiveFailures"]);
        Assert.Equal(0, ok["repeatedErrorCount"]);
        Assert.Equal(4, ok["iterations"]);
        Assert.Equal("s-1", ok.Task);

        // Sessions are separate.
        Assert.Equal(1, store.RecordOutcome("s-2", failed: false, null)["iterations"]);
    }

    [SkippableFact]
    public void ConcurrentHooks_OnManyStoreInstances_LoseNoUpdate()
    {
        const int threads = 6, perThread = 20;
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var store = OpenStore();
            for (int i = 0; i < perThread; i++)
            {
                store.RecordOutcome("busy", failed: true, "same error");
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var last = OpenStore().RecordOutcome("busy", failed: true, "same error");
        Assert.Equal(threads * perThread + 1, last["iterations"]);
        Assert.Equal(threads * perThread + 1, last["consecutiveFailures"]);
        Assert.Equal(threads * perThread + 1, last["repeatedErrorCount"]);
    }
}
