using Autopilot.Core.Ledger;

namespace Autopilot.Core.Tests.Ledger;

public sealed class LedgerVerifierTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string Dir => _temp.Sub("ledger");

    private string LedgerPath => Path.Combine(Dir, FileLedgerStore.LedgerFileName);

    public void Dispose() => _temp.Dispose();

    private string[] WriteLedger(int count)
    {
        using var store = FileLedgerStore.Open(Dir);
        for (int i = 0; i < count; i++)
        {
            store.Append(LedgerStoreTests.Entry(i: i));
        }

        return File.ReadAllLines(LedgerPath);
    }

    [Fact]
    public void AnUntouchedLedger_Verifies_AndReportsItsHead()
    {
        var lines = WriteLedger(5);
        var result = LedgerVerifier.Verify(Dir);
        Assert.True(result.IsValid, result.Problem?.Message);
        Assert.Equal(5, result.EntryCount);
        Assert.Equal(5, result.Head.Sequence);
        Assert.Contains(result.Head.Hash, lines[4]);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void AnEditedValue_IsNamedByLineAndSequence()
    {
        var lines = WriteLedger(5);
        lines[2] = lines[2].Replace("\"i\":2", "\"i\":7");
        File.WriteAllLines(LedgerPath, lines);
        var problem = LedgerVerifier.Verify(Dir).Problem!;
        Assert.Equal(LedgerProblemKind.Edited, problem.Kind);
        Assert.Equal((3L, 3L), (problem.LineNumber, problem.Sequence!.Value));
        Assert.StartsWith("line 3, sequence 3:", problem.Message);
    }

    [Fact]
    public void AnEditWithARecomputedHash_BreaksTheNextLink()
    {
        var lines = WriteLedger(5);

        // Forge entry 3: same predecessor, other content, its own valid hash.
        var chain = new LedgerChain(2, LedgerReader.ReadEntries(Dir).Entries[1].Hash);
        var buffer = new Autopilot.Core.Storage.ByteBuffer();
        chain.Append(LedgerStoreTests.Entry(actor: "forger"), DateTimeOffset.UtcNow, buffer);
        lines[2] = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).TrimEnd('\n');

        File.WriteAllLines(LedgerPath, lines);
        var problem = LedgerVerifier.Verify(Dir).Problem!;
        Assert.Equal(LedgerProblemKind.ChainBroken, problem.Kind);
        Assert.Equal(4, problem.LineNumber);
    }

    [Fact]
    public void ADeletedEntry_IsFoundWhereTheGapIs()
    {
        var lines = WriteLedger(5).ToList();
        lines.RemoveAt(1);
        File.WriteAllLines(LedgerPath, lines);
        var problem = LedgerVerifier.Verify(Dir).Problem!;
        Assert.Equal(LedgerProblemKind.Missing, problem.Kind);
        Assert.Equal((2L, 3L), (problem.LineNumber, problem.Sequence!.Value));
    }

    [Fact]
    public void ReorderedEntries_AreFound()
    {
        var lines = WriteLedger(5);
        (lines[3], lines[4]) = (lines[4], lines[3]);
        File.WriteAllLines(LedgerPath, lines);
        var problem = LedgerVerifier.Verify(Dir).Problem!;
        Assert.Equal(4, problem.LineNumber);
        Assert.Equal(5, problem.Sequence);
    }

    [Fact]
    public void CutEntries_AreCaughtByTheHeadFile()
    {
        var lines = WriteLedger(5);
        File.WriteAllLines(LedgerPath, lines.Take(3));
        var problem = LedgerVerifier.Verify(Dir).Problem!;
        Assert.Equal(LedgerProblemKind.Truncated, problem.Kind);
        Assert.Contains("entries 4..5 were cut off the end", problem.Message);
    }

    [Fact]
    public void CutEntries_WithTheHeadFixedToo_AreCaughtOnlyByAnExternalCheckpoint()
    {
        var lines = WriteLedger(5);
        string checkpoint = LedgerVerifier.Verify(Dir).Head.Hash;
        File.WriteAllLines(LedgerPath, lines.Take(3));
        File.Delete(Path.Combine(Dir, FileLedgerStore.HeadFileName));

        var withoutAnchor = LedgerVerifier.Verify(Dir);
        Assert.True(withoutAnchor.IsValid);
        Assert.Contains(withoutAnchor.Warnings, w => w.Contains("no head.json"));

        var withCheckpoint = LedgerVerifier.Verify(Dir, expectHead: checkpoint);
        Assert.Equal(LedgerProblemKind.Truncated, withCheckpoint.Problem!.Kind);
        Assert.Contains("no entry has the expected head hash", withCheckpoint.Problem.Message);

        // An older checkpoint is still inside the chain: fine.
        Assert.True(LedgerVerifier.Verify(Dir, expectHead: LedgerReader.ReadEntries(Dir).Entries[1].Hash).IsValid);
    }

    [Fact]
    public void ReformattedWhitespace_StillVerifies_BecauseTheHashIsOverTheCanonicalForm()
    {
        var lines = WriteLedger(3);
        lines[1] = lines[1].Replace(",\"", ", \"").Replace("{", "{ ");
        File.WriteAllLines(LedgerPath, lines);
        Assert.True(LedgerVerifier.Verify(Dir).IsValid);
    }

    [Fact]
    public void ARewrittenHeadHash_IsAMismatch()
    {
        WriteLedger(3);
        string head = Path.Combine(Dir, FileLedgerStore.HeadFileName);
        string text = File.ReadAllText(head);
        string recorded = LedgerVerifier.Verify(Dir).Head.Hash;
        File.WriteAllText(head, text.Replace(recorded, new string('e', 64)));
        Assert.Equal(LedgerProblemKind.HeadMismatch, LedgerVerifier.Verify(Dir).Problem!.Kind);
        Assert.Throws<LedgerCorruptException>(() => FileLedgerStore.Open(Dir));
    }

    [Fact]
    public void ALaggingHead_IsAWarning_AndTheNextOpenCatchesItUp()
    {
        WriteLedger(3);
        var second = LedgerReader.ReadEntries(Dir).Entries[1];
        string head = Path.Combine(Dir, FileLedgerStore.HeadFileName);
        File.WriteAllBytes(head, new LedgerHead(2, second.Hash).ToRecord());

        var lagging = LedgerVerifier.Verify(Dir);
        Assert.True(lagging.IsValid);
        Assert.Contains(lagging.Warnings, w => w.Contains("lags the ledger (sequence 2 of 3)"));

        using (var store = FileLedgerStore.Open(Dir))
        {
            Assert.Equal(3, store.Head.Sequence);
        }

        Assert.Empty(LedgerVerifier.Verify(Dir).Warnings);
    }

    [Fact]
    public void AnUnreadableHead_IsRewrittenOnOpen_AndReported()
    {
        WriteLedger(2);
        File.WriteAllText(Path.Combine(Dir, FileLedgerStore.HeadFileName), "garbage");
        Assert.Contains(LedgerVerifier.Verify(Dir).Warnings, w => w.Contains("unreadable"));
        using var store = FileLedgerStore.Open(Dir);
        Assert.Equal(LedgerRecoveryKind.HeadRewritten, Assert.Single(store.Recoveries).Kind);
        Assert.Equal(2, store.Head.Sequence);
    }

    [Fact]
    public void ABadExpectedHead_IsBadInput()
    {
        WriteLedger(1);
        Assert.Throws<ArgumentException>(() => LedgerVerifier.Verify(Dir, expectHead: "xyz"));
    }
}
