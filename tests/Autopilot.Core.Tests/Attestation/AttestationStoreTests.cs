using Autopilot.Core.Attestation;
using Autopilot.Core.Ledger;
using Autopilot.Core.Tests.Ledger;

namespace Autopilot.Core.Tests.Attestation;

public sealed class AttestationStoreTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly FileLedgerStore _ledger;
    private readonly FileAttestationStore _store;

    public AttestationStoreTests()
    {
        _ledger = FileLedgerStore.Open(_temp.Sub("ledger"));
        _store = new FileAttestationStore(_temp.Sub("attestations"), _ledger);
    }

    public void Dispose()
    {
        _ledger.Dispose();
        _temp.Dispose();
    }

    private static Dictionary<string, string> Subjects(params (string Name, string Text)[] items) =>
        items.ToDictionary(i => i.Name, i => AttestationSubjects.HashText(i.Text));

    [Fact]
    public void Record_ThenCheck_ReportsNoDrift_ThenEachKindOfDrift()
    {
        var recorded = _store.Record("T-1", "verify", Subjects(("system.md", "be careful"), ("header", "v1")), "alice");
        Assert.Equal(1, recorded.Version);
        Assert.Null(recorded.Reason);

        var clean = _store.Check("T-1", "verify", Subjects(("header", "v1"), ("system.md", "be careful")));
        Assert.True(clean.Recorded);
        Assert.False(clean.HasDrift);
        Assert.Equal(1, clean.Version);

        var drifted = _store.Check("T-1", "verify", Subjects(("system.md", "be bold"), ("tools.json", "{}")));
        Assert.Equal(
            [("header", DriftKind.Missing), ("system.md", DriftKind.Changed), ("tools.json", DriftKind.Added)],
            drifted.Drift.Select(d => (d.Subject, d.Kind)));
        var changed = drifted.Drift[1];
        Assert.Equal(AttestationSubjects.HashText("be careful"), changed.Expected);
        Assert.Equal(AttestationSubjects.HashText("be bold"), changed.Actual);

        var never = _store.Check("T-1", "review", Subjects(("a", "b")));
        Assert.False(never.Recorded);
        Assert.False(never.HasDrift);
    }

    [Fact]
    public void Updates_AreVersioned_NeedAReason_AndAreRecordedInTheLedger()
    {
        _store.Record("T-1", "verify", Subjects(("system.md", "v1")), "alice");
        Assert.Throws<ArgumentException>(() => _store.Update("T-1", "verify", Subjects(("system.md", "v2")), "alice", " "));
        var v2 = _store.Update("T-1", "verify", Subjects(("system.md", "v2")), "bob", "prompt tightened after review");
        Assert.Equal(2, v2.Version);
        Assert.False(_store.Check("T-1", "verify", Subjects(("system.md", "v2"))).HasDrift);
        Assert.True(_store.Check("T-1", "verify", Subjects(("system.md", "v1"))).HasDrift);

        var record = _store.Get("T-1", "verify")!;
        Assert.Equal([1, 2], record.Versions.Select(v => v.Version));
        Assert.Equal("prompt tightened after review", record.Current.Reason);

        var entries = new LedgerReader(_ledger).Show("T-1");
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(LedgerEntryKind.Attestation, e.Kind));
        var update = entries[1];
        Assert.Equal(v2.LedgerSequence, update.Sequence);
        Assert.Equal("bob", update.Actor);
        var details = update.Details!.Value;
        Assert.Equal("update", details.GetProperty("action").GetString());
        Assert.Equal("verify", details.GetProperty("phase").GetString());
        Assert.Equal(2, details.GetProperty("version").GetInt32());
        Assert.Equal("prompt tightened after review", details.GetProperty("reason").GetString());
        Assert.Equal(AttestationSubjects.HashText("v2"), details.GetProperty("subjects").GetProperty("system.md").GetString());
        Assert.Equal(AttestationSubjects.HashText("v1"), details.GetProperty("previousSubjects").GetProperty("system.md").GetString());
        Assert.True(LedgerVerifier.Verify(_ledger.Directory).IsValid);
    }

    [Fact]
    public void RecordingAgain_IsIdempotent_ButChangingHashesNeedsAnUpdate()
    {
        var first = _store.Record("T-1", "spec", Subjects(("p", "x")), "alice");
        var again = _store.Record("T-1", "spec", Subjects(("p", "x")), "alice");
        Assert.Equal((first.Version, first.LedgerSequence, first.Time), (again.Version, again.LedgerSequence, again.Time));
        var error = Assert.Throws<AttestationException>(() => _store.Record("T-1", "spec", Subjects(("p", "y")), "alice"));
        Assert.Contains("needs a reason", error.Message);
        Assert.Throws<AttestationException>(() => _store.Update("T-2", "spec", Subjects(("p", "y")), "alice", "why"));
        Assert.Single(new LedgerReader(_ledger).Show());
    }

    [Fact]
    public void ARetryAfterACrashBetweenLedgerAndFile_DoesNotRecordTwice()
    {
        var first = _store.Record("T-1", "plan", Subjects(("p", "x")), "alice");
        // The crash: the ledger has the entry, the attestation file never got written.
        File.Delete(Directory.GetFiles(_store.Directory, "*.json").Single());
        var retried = _store.Record("T-1", "plan", Subjects(("p", "x")), "alice");
        Assert.Equal(first.LedgerSequence, retried.LedgerSequence);
        Assert.Single(new LedgerReader(_ledger).Show());
        Assert.NotNull(_store.Get("T-1", "plan"));
    }

    [Fact]
    public void Subjects_MustBeHashes_AndFilesHashByContent()
    {
        Assert.Throws<ArgumentException>(() => _store.Record("T", "p", new Dictionary<string, string> { ["a"] = "not-a-hash" }, "x"));
        Assert.Throws<ArgumentException>(() => _store.Record("T", "p", new Dictionary<string, string>(), "x"));

        string baseDir = _temp.Sub("prompts");
        Directory.CreateDirectory(Path.Combine(baseDir, "sub"));
        File.WriteAllText(Path.Combine(baseDir, "sub", "system.md"), "hello");
        var subjects = AttestationSubjects.FromFiles([Path.Combine(baseDir, "sub", "system.md")], baseDir);
        Assert.Equal(AttestationSubjects.HashText("hello"), subjects["sub/system.md"]);
    }
}
