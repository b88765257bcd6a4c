using Autopilot.Core.Escalation;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Tests.Ledger;

namespace Autopilot.Core.Tests.Conformance;

/// <summary>The store conformance suite against the file store (the PostgreSQL run is in Autopilot.Storage.Postgres.Tests).</summary>
public sealed class FileLedgerStoreConformanceTests : LedgerStoreConformance
{
    private readonly TempDir _temp = new();

    protected override ILedgerStore OpenStore(LedgerOptions? options = null) => FileLedgerStore.Open(_temp.Sub("ledger"), options);

    protected override LedgerVerification Verify(string? expectHead = null) => LedgerVerifier.Verify(_temp.Sub("ledger"), expectHead);

    protected override long CommitCount(ILedgerStore store) => ((FileLedgerStore)store).CommitCount;

    public override void Dispose()
    {
        base.Dispose();
        _temp.Dispose();
    }
}

public sealed class FileLeaseStoreConformanceTests : LeaseStoreConformance, IDisposable
{
    private readonly TempDir _temp = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));

    protected override ILeaseStore OpenStore() => new FileLeaseStore(_temp.Sub("leases"), new LeaseOptions { TimeProvider = _clock });

    protected override TimeSpan Ttl => TimeSpan.FromMinutes(1);

    protected override void Advance(TimeSpan by) => _clock.Advance(by);

    public void Dispose() => _temp.Dispose();
}

public sealed class FileRunSignalsStoreConformanceTests : RunSignalsStoreConformance, IDisposable
{
    private readonly TempDir _temp = new();

    protected override IRunSignalsStore OpenStore() => new RunSignalsStore(_temp.Sub("signals"));

    public void Dispose() => _temp.Dispose();
}
