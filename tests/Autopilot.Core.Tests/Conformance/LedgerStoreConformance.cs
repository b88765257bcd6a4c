using System.Collections.Concurrent;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Conformance;

/// <summary>
/// What every ledger store promises, whatever holds it (files, PostgreSQL): the same tests run
/// against each through a factory. File-only behaviour (torn tails, head.json) is tested in
/// Ledger/LedgerStoreTests; this file is compiled into both test projects.
/// </summary>
public abstract class LedgerStoreConformance : IDisposable
{
    private readonly List<IDisposable> _opened = [];

    /// <summary>Opens another instance on the same ledger, as another process would.</summary>
    protected abstract ILedgerStore OpenStore(LedgerOptions? options = null);

    /// <summary>Verifies the ledger the way `autopilot ledger verify` does for this store.</summary>
    protected abstract LedgerVerification Verify(string? expectHead = null);

    /// <summary>Batches the store committed (one write+fsync, or one transaction, each).</summary>
    protected abstract long CommitCount(ILedgerStore store);

    protected ILedgerStore Open(LedgerOptions? options = null)
    {
        var store = OpenStore(options);
        _opened.Add(store);
        return store;
    }

    public virtual void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }
    }

    internal static LedgerAppend Draft(string actor = "agent-1", string? task = "T-1", LedgerEntryKind kind = LedgerEntryKind.Other, string? key = null, int i = 0) => new()
    {
        Actor = actor,
        Kind = kind,
        Task = task,
        IdempotencyKey = key,
        Details = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["i"] = i }),
    };

    [SkippableFact]
    public void Append_RoundTripsEveryField_AndChainsEntries()
    {
        var evidence = new Dictionary<string, string> { ["spec.md"] = new string('a', 64), ["b.md"] = new string('b', 64) };
        var store = Open();
        var first = store.Append(new LedgerAppend
        {
            Actor = "agent \"quoted\"\n\u0001é😀",
            Kind = LedgerEntryKind.Transition,
            Task = "T-1",
            FromPhase = "spec",
            ToPhase = "plan",
            Verdict = Verdict.Allow,
            RuleIds = ["AP1001", "AP1002"],
            PolicyHash = new string('c', 64),
            Evidence = evidence,
            IdempotencyKey = "k1",
            Details = JsonDocument.Parse("""{"z":1.50,"a":[true,null,"x"],"m":{"b":2,"a":1}}""").RootElement,
        }).Entry;
        store.Append(Draft());
        Assert.Equal(2, store.Head.Sequence);

        var entries = Open().ReadAll();
        Assert.Equal(2, entries.Count);
        var read = entries[0];
        Assert.Equal(1, read.Sequence);
        Assert.Equal(first.Actor, read.Actor);
        Assert.Equal(first.Time, read.Time);
        Assert.Equal(TimeSpan.Zero, read.Time.Offset);
        Assert.Equal(LedgerEntryKind.Transition, read.Kind);
        Assert.Equal(("spec", "plan"), (read.FromPhase, read.ToPhase));
        Assert.Equal(Verdict.Allow, read.Verdict);
        Assert.Equal(["AP1001", "AP1002"], read.RuleIds);
        Assert.Equal(new string('c', 64), read.PolicyHash);
        Assert.Equal(evidence.OrderBy(p => p.Key), read.Evidence.OrderBy(p => p.Key));
        Assert.Equal("k1", read.IdempotencyKey);
        Assert.Equal("1.50", read.Details!.Value.GetProperty("z").GetRawText());
        Assert.Equal(LedgerEntry.GenesisHash, read.PrevHash);
        Assert.Equal(first.Hash, read.Hash);
        Assert.Equal(read.Hash, entries[1].PrevHash);
        var verification = Verify(expectHead: entries[1].Hash);
        Assert.True(verification.IsValid, verification.Problem?.Message);
        Assert.Equal(new LedgerHead(2, entries[1].Hash), verification.Head);
    }

    [SkippableFact]
    public void SameIdempotencyKey_IsRecordedOnce_EvenFromAnotherStoreInstance()
    {
        var store = Open();
        var first = store.Append(Draft(key: "op-42", i: 1));
        var again = store.Append(Draft(key: "op-42", i: 2));
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Entry.Hash, again.Entry.Hash);
        Assert.Equal(first.Entry.Sequence, again.Entry.Sequence);

        // Another writer (as another process would) learns the key from the store.
        var other = Open();
        store.Append(Draft(key: "op-43"));
        var fromOther = other.Append(Draft(key: "op-43", i: 9));
        Assert.True(fromOther.Duplicate);
        Assert.Equal(2, fromOther.Entry.Sequence);
        Assert.Equal(0, fromOther.Entry.Details!.Value.GetProperty("i").GetInt32());

        Assert.Equal(3, other.Append(Draft(key: "op-44")).Entry.Sequence);
        Assert.Equal(3, Open().ReadAll().Count);
    }

    [SkippableFact]
    public void ConcurrentAppenders_AreGroupCommitted_AndNothingIsLostOrInterleaved()
    {
        const int threads = 8, perThread = 150;
        var store = Open();
        var acknowledged = new ConcurrentBag<LedgerEntry>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                acknowledged.Add(store.Append(Draft(actor: $"t{t}", i: i)).Entry);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var entries = Open().ReadAll();
        Assert.Equal(threads * perThread, entries.Count);
        Assert.Equal(Enumerable.Range(1, threads * perThread).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(acknowledged.OrderBy(e => e.Sequence).Select(e => e.Hash), entries.Select(e => e.Hash));
        foreach (var group in entries.GroupBy(e => e.Actor))
        {
            Assert.Equal(Enumerable.Range(0, perThread), group.Select(e => e.Details!.Value.GetProperty("i").GetInt32()));
        }

        long commits = CommitCount(store);
        Assert.True(commits < threads * perThread, $"expected batching: {commits} commits for {threads * perThread} appends");
        Assert.True(Verify().IsValid);
    }

    [SkippableFact]
    public void TwoStoreInstances_AppendingAtOnce_LeaveOneChainWithoutGaps()
    {
        const int perStore = 200;
        var stores = new[] { Open(), Open() };
        var acknowledged = new ConcurrentBag<LedgerEntry>();
        var workers = stores.Select((s, n) => new Thread(() =>
        {
            for (int i = 0; i < perStore; i++)
            {
                acknowledged.Add(s.Append(Draft(actor: $"store{n}", i: i)).Entry);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var entries = Open().ReadAll();
        Assert.Equal(Enumerable.Range(1, 2 * perStore).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(acknowledged.OrderBy(e => e.Sequence).Select(e => e.Hash), entries.Select(e => e.Hash));
        var verification = Verify();
        Assert.True(verification.IsValid, verification.Problem?.Message);
        Assert.Equal(2 * perStore, verification.EntryCount);
    }

    [SkippableFact]
    public void InvalidDrafts_AreRejectedBeforeAnythingIsWritten()
    {
        var store = Open();
        Assert.Throws<ArgumentException>(() => store.Append(Draft(actor: " ")));
        Assert.Throws<ArgumentException>(() => store.Append(Draft() with { Evidence = new Dictionary<string, string> { ["a"] = "nothex" } }));
        Assert.Throws<ArgumentException>(() => store.Append(Draft() with { Details = JsonDocument.Parse("[1]").RootElement }));
        Assert.Throws<ArgumentException>(() => store.Append(Draft(key: "")));
        Assert.Empty(store.ReadAll());
        Assert.Equal(LedgerHead.Empty, store.Head);
    }

    [SkippableFact]
    public void Times_ComeFromTheConfiguredClock()
    {
        var clock = new Ledger.ManualClock(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)));
        var store = Open(new LedgerOptions { TimeProvider = clock });
        var entry = store.Append(Draft()).Entry;
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), entry.Time);
        Assert.Equal(entry.Time, Assert.Single(Open().ReadAll()).Time);
    }

    [SkippableFact]
    public void AnExpectedHeadThatIsNotInTheLedger_FailsVerification()
    {
        var store = Open();
        store.Append(Draft(i: 1));
        var verification = Verify(expectHead: new string('e', 64));
        Assert.False(verification.IsValid);
        Assert.Equal(LedgerProblemKind.Truncated, verification.Problem!.Kind);
        Assert.Throws<ArgumentException>(() => Verify(expectHead: "not-a-hash"));
    }
}
