using System.Text;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Ledger;

public sealed class LedgerStoreTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string Dir => _temp.Sub("ledger");

    public void Dispose() => _temp.Dispose();

    internal static LedgerAppend Entry(string actor = "agent-1", string? task = "T-1", LedgerEntryKind kind = LedgerEntryKind.Other, string? key = null, int i = 0) => new()
    {
        Actor = actor,
        Kind = kind,
        Task = task,
        IdempotencyKey = key,
        Details = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["i"] = i }),
    };

    [Fact]
    public void Append_RoundTripsEveryField_AndChainsEntries()
    {
        var evidence = new Dictionary<string, string> { ["spec.md"] = new string('a', 64), ["b.md"] = new string('b', 64) };
        LedgerEntry first;
        using (var store = FileLedgerStore.Open(Dir))
        {
            first = store.Append(new LedgerAppend
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
            store.Append(Entry());
            Assert.Equal(2, store.Head.Sequence);
        }

        var entries = LedgerReader.ReadEntries(Dir).Entries;
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
        Assert.True(LedgerVerifier.Verify(Dir).IsValid);
    }

    [Fact]
    public void CanonicalForm_OfTheStoredLine_IsWhatTheWriterHashed_ForArbitraryText()
    {
        var chain = new LedgerChain();
        var buffer = new ByteBuffer();
        var scratch = new ByteBuffer();
        var property = FsCheck.Fluent.Prop.ForAll<string, string, string>((actor, task, note) =>
        {
            actor = string.IsNullOrWhiteSpace(actor) ? "x" + actor : actor;
            buffer.Clear();
            var entry = chain.Append(new LedgerAppend
            {
                Actor = actor,
                Kind = LedgerEntryKind.Other,
                Task = task,
                Details = JsonSerializer.SerializeToElement(new Dictionary<string, string?> { [note ?? "n"] = note, ["k\"\\"] = actor }),
            }, DateTimeOffset.UtcNow, buffer);

            var line = buffer.WrittenSpan;
            Assert.Equal((byte)'\n', line[^1]);
            Assert.Equal(-1, line[..^1].IndexOf((byte)'\n'));
            using var document = JsonDocument.Parse(buffer.WrittenMemory[..^1]);
            Assert.Equal(entry.Hash, LedgerCanonicalForm.ComputeHash(document.RootElement, scratch));
            var parsed = LedgerEntryCodec.FromElement(document.RootElement);
            Assert.Equal(entry.Sequence, parsed.Sequence);
            Assert.Equal(ReplaceLoneSurrogates(task), parsed.Task);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    private static string? ReplaceLoneSurrogates(string? value) =>
        value is null ? null : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));

    [Fact]
    public void SameIdempotencyKey_IsRecordedOnce_EvenFromAnotherStoreInstance()
    {
        using var store = FileLedgerStore.Open(Dir);
        var first = store.Append(Entry(key: "op-42", i: 1));
        var again = store.Append(Entry(key: "op-42", i: 2));
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Entry, again.Entry);

        // Another writer (as another process would) learns the key from the file under the lock.
        using (var other = FileLedgerStore.Open(Dir))
        {
            store.Append(Entry(key: "op-43"));
            var fromOther = other.Append(Entry(key: "op-43", i: 9));
            Assert.True(fromOther.Duplicate);
            Assert.Equal(2, fromOther.Entry.Sequence);
        }

        Assert.Equal(2, LedgerReader.ReadEntries(Dir).Entries.Count);
    }

    [Fact]
    public void ConcurrentAppenders_AreGroupCommitted_AndNothingIsLostOrInterleaved()
    {
        const int threads = 8, perThread = 150;
        using var store = FileLedgerStore.Open(Dir);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<LedgerEntry>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                acknowledged.Add(store.Append(Entry(actor: $"t{t}", i: i)).Entry);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        var entries = LedgerReader.ReadEntries(Dir).Entries;
        Assert.Equal(threads * perThread, entries.Count);
        Assert.Equal(Enumerable.Range(1, threads * perThread).Select(i => (long)i), entries.Select(e => e.Sequence));
        Assert.Equal(acknowledged.OrderBy(e => e.Sequence).Select(e => e.Hash), entries.Select(e => e.Hash));
        foreach (var group in entries.GroupBy(e => e.Actor))
        {
            Assert.Equal(Enumerable.Range(0, perThread), group.Select(e => e.Details!.Value.GetProperty("i").GetInt32()));
        }

        Assert.True(store.CommitCount < threads * perThread, $"expected batching: {store.CommitCount} commits for {threads * perThread} appends");
        Assert.True(LedgerVerifier.Verify(Dir).IsValid);
    }

    [Fact]
    public void TornLastLine_IsCutOnOpen_AndReported()
    {
        using (var store = FileLedgerStore.Open(Dir))
        {
            store.Append(Entry(i: 1));
            store.Append(Entry(i: 2));
        }

        string path = Path.Combine(Dir, FileLedgerStore.LedgerFileName);
        long whole = new FileInfo(path).Length;
        File.AppendAllText(path, "{\"actor\":\"half");
        var before = LedgerVerifier.Verify(Dir);
        Assert.True(before.IsValid);
        Assert.Equal(14, before.TornTailBytes);

        using (var store = FileLedgerStore.Open(Dir))
        {
            var recovery = Assert.Single(store.Recoveries);
            Assert.Equal(LedgerRecoveryKind.TornTailCut, recovery.Kind);
            Assert.Equal(3, recovery.LineNumber);
            Assert.Equal(14, recovery.BytesCut);
            Assert.Equal(2, recovery.LastSequence);
            Assert.Contains(":3: cut a torn last line", recovery.Message);
            Assert.Equal(whole, new FileInfo(path).Length);
            Assert.Equal(3, store.Append(Entry(i: 3)).Entry.Sequence);
        }

        Assert.True(LedgerVerifier.Verify(Dir).IsValid);
    }

    [Fact]
    public void UnreadableWholeLine_InTheMiddle_RefusesToOpen_NamingTheLine()
    {
        using (var store = FileLedgerStore.Open(Dir))
        {
            for (int i = 0; i < 3; i++)
            {
                store.Append(Entry(i: i));
            }
        }

        string path = Path.Combine(Dir, FileLedgerStore.LedgerFileName);
        var lines = File.ReadAllLines(path);
        lines[1] = "not json";
        File.WriteAllLines(path, lines);
        var error = Assert.Throws<LedgerCorruptException>(() => FileLedgerStore.Open(Dir));
        Assert.Equal(2, error.LineNumber);
        Assert.Contains(":2: unreadable entry", error.Message);
    }

    [Fact]
    public void LedgerShorterThanItsHead_RefusesToOpen()
    {
        using (var store = FileLedgerStore.Open(Dir))
        {
            for (int i = 0; i < 3; i++)
            {
                store.Append(Entry(i: i));
            }
        }

        string path = Path.Combine(Dir, FileLedgerStore.LedgerFileName);
        File.WriteAllLines(path, File.ReadAllLines(path).Take(2));
        var error = Assert.Throws<LedgerCorruptException>(() => FileLedgerStore.Open(Dir));
        Assert.Contains("ends at sequence 2 but head.json records sequence 3", error.Message);
    }

    [Fact]
    public void InvalidDrafts_AreRejectedBeforeAnythingIsWritten()
    {
        using var store = FileLedgerStore.Open(Dir);
        Assert.Throws<ArgumentException>(() => store.Append(Entry(actor: " ")));
        Assert.Throws<ArgumentException>(() => store.Append(Entry() with { Evidence = new Dictionary<string, string> { ["a"] = "nothex" } }));
        Assert.Throws<ArgumentException>(() => store.Append(Entry() with { Details = JsonDocument.Parse("[1]").RootElement }));
        Assert.Throws<ArgumentException>(() => store.Append(Entry(key: "")));
        Assert.Empty(LedgerReader.ReadEntries(Dir).Entries);
    }

    [Fact]
    public void AFileWhereTheFolderShouldBe_IsAClearStorageError()
    {
        File.WriteAllText(Dir, "not a folder");
        var error = Assert.Throws<StorageException>(() => FileLedgerStore.Open(Dir));
        Assert.Contains(Dir, error.Message);
    }

    [Fact]
    public void Times_ComeFromTheConfiguredClock()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)));
        using var store = FileLedgerStore.Open(Dir, new LedgerOptions { TimeProvider = clock });
        var entry = store.Append(Entry()).Entry;
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), entry.Time);
        Assert.Contains("\"time\":\"2025-03-01T10:00:00.0000000Z\"", File.ReadAllText(Path.Combine(Dir, FileLedgerStore.LedgerFileName)));
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now.ToUniversalTime();

    public void Advance(TimeSpan by) => _now += by;
}
