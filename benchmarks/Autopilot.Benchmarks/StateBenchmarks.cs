using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// Durable state. Targets: in-memory chain append (canonical form + SHA-256) ≤2 µs; a durable append at most
/// 1.2× a bare write+fsync of the same bytes on the same disk (leases: <see cref="LeaseBenchmarks"/>).
/// The folder is under the repository's benchmarks output (a real disk, not tmpfs).
/// </summary>
[MemoryDiagnoser]
public class StateBenchmarks
{
    private readonly ByteBuffer _buffer = new(4096);
    private LedgerAppend _draft = null!;
    private string _dir = "";
    private FileLedgerStore _ledger = null!;
    private FileStream _bare = null!;
    private byte[] _line = [];

    /// <summary>A typical entry (a transition with a rule and one evidence hash), shared by the store benchmarks.</summary>
    internal static LedgerAppend TransitionDraft() => new()
    {
        Actor = "agent-7",
        Kind = LedgerEntryKind.Transition,
        Task = "T-42",
        FromPhase = "implement",
        ToPhase = "verify",
        Verdict = Policy.Model.Verdict.Allow,
        RuleIds = ["AP-PHASE-BACKTRACK"],
        PolicyHash = new string('a', 64),
        Evidence = new Dictionary<string, string> { ["git_diff"] = new string('b', 64) },
    };

    [GlobalSetup]
    public void Setup()
    {
        _draft = TransitionDraft();
        _dir = Path.Combine(AppContext.BaseDirectory, "state-bench-" + Guid.NewGuid().ToString("N"));
        _ledger = FileLedgerStore.Open(Path.Combine(_dir, "ledger"));
        _buffer.Clear();
        LedgerEntryCodec.WriteLine(_draft, 1, DateTimeOffset.UtcNow, LedgerEntry.GenesisHash, _buffer);
        _line = _buffer.WrittenSpan.ToArray();
        _bare = new FileStream(Path.Combine(_dir, "bare.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _ledger.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Canonical form and hash of one entry, no I/O.</summary>
    [Benchmark]
    public string ChainAppendInMemory()
    {
        _buffer.Clear();
        return LedgerEntryCodec.WriteLine(_draft, 42, DateTimeOffset.UtcNow, LedgerEntry.GenesisHash, _buffer);
    }

    /// <summary>The baseline: the same bytes written and flushed to disk, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public void BareWriteAndFsync()
    {
        _bare.Write(_line);
        _bare.Flush(flushToDisk: true);
    }

    [Benchmark]
    public long DurableAppend() => _ledger.Append(_draft).Entry.Sequence;
}
