using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Ledger;

public sealed class LedgerReaderTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reconstruct_GivesPhasesWithDurations_Backtracks_Denials_Escalations_AndEvidence()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 1, 1, 9, 0, 0, TimeSpan.Zero));
        string dir = _temp.Sub("ledger");
        string specHash = new('1', 64);
        using var store = FileLedgerStore.Open(dir, new LedgerOptions { TimeProvider = clock });
        void Add(LedgerEntryKind kind, string? from, string to, Verdict verdict, TimeSpan after, Dictionary<string, string>? evidence = null, string task = "T-7")
        {
            clock.Advance(after);
            store.Append(new LedgerAppend { Actor = "a", Kind = kind, Task = task, FromPhase = from, ToPhase = to, Verdict = verdict, Evidence = evidence ?? [] });
        }

        Add(LedgerEntryKind.Transition, null, "spec", Verdict.Allow, TimeSpan.Zero);
        Add(LedgerEntryKind.Denied, "spec", "think", Verdict.Deny, TimeSpan.FromMinutes(5));
        Add(LedgerEntryKind.Transition, "spec", "plan", Verdict.Allow, TimeSpan.FromMinutes(5), new() { ["spec.md"] = specHash });
        Add(LedgerEntryKind.Transition, "other", "verify", Verdict.Allow, TimeSpan.FromMinutes(1), task: "T-8");
        Add(LedgerEntryKind.Escalation, "plan", "think", Verdict.Escalate, TimeSpan.FromMinutes(1));
        Add(LedgerEntryKind.Backtrack, "plan", "spec", Verdict.Allow, TimeSpan.FromMinutes(8));

        var reader = new LedgerReader(store);
        Assert.Equal("spec", reader.CurrentPhase("T-7"));
        Assert.Equal("verify", reader.CurrentPhase("T-8"));
        Assert.Null(reader.CurrentPhase("T-9"));

        var timeline = reader.Reconstruct("T-7");
        Assert.Equal("spec", timeline.CurrentPhase);
        Assert.Equal(["spec", "plan", "spec"], timeline.Phases.Select(p => p.Phase));
        Assert.Equal(TimeSpan.FromMinutes(10), timeline.Phases[0].ClosedDuration);
        Assert.Equal(TimeSpan.FromMinutes(10), timeline.Phases[1].ClosedDuration);
        Assert.True(timeline.Phases[2].ViaBacktrack);
        Assert.Null(timeline.Phases[2].LeftAt);
        Assert.Equal(TimeSpan.FromMinutes(3), timeline.Phases[2].Duration(clock.GetUtcNow() + TimeSpan.FromMinutes(3)));
        Assert.Single(timeline.Backtracks);
        Assert.Equal("think", Assert.Single(timeline.Denied).ToPhase);
        Assert.Single(timeline.Escalations);
        var evidence = Assert.Single(timeline.Evidence);
        Assert.Equal(("spec", "spec.md", specHash), (evidence.Phase, evidence.Name, evidence.Sha256));
        Assert.Equal(5, timeline.Entries.Count);

        Assert.Equal(5, reader.Show("T-7").Count);
        Assert.Equal(6, new LedgerReader(dir).Show().Count);
    }

    [Fact]
    public void Reading_AMissingLedger_IsEmpty_AndAPartialLastLineIsLeftOut()
    {
        Assert.Empty(new LedgerReader(_temp.Sub("none")).Show());
        string dir = _temp.Sub("ledger");
        using (var store = FileLedgerStore.Open(dir))
        {
            store.Append(LedgerStoreTests.Entry());
        }

        File.AppendAllText(Path.Combine(dir, FileLedgerStore.LedgerFileName), "{\"partial");
        var read = LedgerReader.ReadEntries(dir);
        Assert.Single(read.Entries);
        Assert.Equal(9, read.TornTailBytes);
    }
}
