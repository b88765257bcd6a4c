using Autopilot.Core.Leases;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// File leases against their floor (issue 15, item 6): acquire+release at most 2.5× a bare write+fsync of
/// the same bytes (the lease file an acquire writes), on the same disk in the same run. The folder is
/// under the benchmarks output (a real disk, not tmpfs). Acquire+release is one flushed counter slot, a
/// lease file renamed into place and deleted (see <see cref="FileLeaseStore"/>).
/// </summary>
[MemoryDiagnoser]
public class LeaseBenchmarks
{
    private string _dir = "";
    private FileLeaseStore _leases = null!;
    private FileStream _bare = null!;
    private byte[] _leaseBytes = [];
    private int _lease;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(AppContext.BaseDirectory, "lease-bench-" + Guid.NewGuid().ToString("N"));
        _leases = new FileLeaseStore(Path.Combine(_dir, "leases"));
        var sample = _leases.Acquire("T-sample", "implement", "agent-7", TimeSpan.FromMinutes(5)).Lease!;
        _leaseBytes = File.ReadAllBytes(Directory.GetFiles(_leases.Directory, "*.lease").Single());
        _leases.Release(sample);
        _bare = new FileStream(Path.Combine(_dir, "bare.lease"), FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        _bare.Write(_leaseBytes);
        _bare.Flush(flushToDisk: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The floor: the lease's bytes written over an open file in place and flushed (fsync), nothing else.</summary>
    [Benchmark(Baseline = true)]
    public void BareWriteAndFsync()
    {
        _bare.Position = 0;
        _bare.Write(_leaseBytes);
        _bare.Flush(flushToDisk: true);
    }

    [Benchmark]
    public bool LeaseAcquireRelease()
    {
        var result = _leases.Acquire("T-" + (_lease++ % 16), "implement", "agent-7", TimeSpan.FromMinutes(5));
        return _leases.Release(result.Lease!).Succeeded;
    }
}
