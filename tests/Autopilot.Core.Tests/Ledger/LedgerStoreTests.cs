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

    internal static LedgerAppend Entry(string actor = "agent-1", string? task = "T-1", LedgerEntryKind kind = LedgerEntryKind.Other, string? key = null, int i = 0) =>
        Conformance.LedgerStoreConformance.Draft(actor, task, kind, key, i);

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
    public void AFileWhereTheFolderShouldBe_IsAClearStorageError()
    {
        File.WriteAllText(Dir, "not a folder");
        var error = Assert.Throws<StorageException>(() => FileLedgerStore.Open(Dir));
        Assert.Contains(Dir, error.Message);
    }

    [Fact]
    public void Times_AreWrittenAsUtcWithTicks()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)));
        using var store = FileLedgerStore.Open(Dir, new LedgerOptions { TimeProvider = clock });
        var entry = store.Append(Entry()).Entry;
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), entry.Time);
        Assert.Contains("\"time\":\"2025-03-01T10:00:00.0000000Z\"", File.ReadAllText(Path.Combine(Dir, FileLedgerStore.LedgerFileName)));
    }
}
