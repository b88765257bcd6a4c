using Autopilot.Core.Escalation;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Tests.Conformance;

namespace Autopilot.Storage.Postgres.Tests;

/// <summary>The store conformance suite (the same source as the file store's) against a real PostgreSQL server.</summary>
public sealed class PostgresLedgerStoreConformanceTests : LedgerStoreConformance
{
    private readonly Lazy<PostgresDatabase> _database = new(() => PostgresCluster.Require().NewScope());

    protected override ILedgerStore OpenStore(LedgerOptions? options = null) => PostgresLedgerStore.Open(_database.Value, options);

    protected override LedgerVerification Verify(string? expectHead = null)
    {
        using var store = PostgresLedgerStore.Open(_database.Value);
        return store.Verify(expectHead);
    }

    protected override long CommitCount(ILedgerStore store) => ((PostgresLedgerStore)store).CommitCount;

    public override void Dispose()
    {
        base.Dispose();
        if (_database.IsValueCreated)
        {
            _database.Value.Dispose();
        }
    }
}

public sealed class PostgresLeaseStoreConformanceTests : LeaseStoreConformance, IDisposable
{
    private readonly Lazy<PostgresDatabase> _database = new(() => PostgresCluster.Require().NewScope());

    protected override ILeaseStore OpenStore() => new PostgresLeaseStore(_database.Value);

    // Expiry is the database clock's: short leases and real waits.
    protected override TimeSpan Ttl => TimeSpan.FromMilliseconds(1200);

    protected override void Advance(TimeSpan by) => Thread.Sleep(by + TimeSpan.FromMilliseconds(50));

    public void Dispose()
    {
        if (_database.IsValueCreated)
        {
            _database.Value.Dispose();
        }
    }
}

public sealed class PostgresRunSignalsStoreConformanceTests : RunSignalsStoreConformance, IDisposable
{
    private readonly Lazy<PostgresDatabase> _database = new(() => PostgresCluster.Require().NewScope());

    protected override IRunSignalsStore OpenStore() => new PostgresRunSignalsStore(_database.Value);

    public void Dispose()
    {
        if (_database.IsValueCreated)
        {
            _database.Value.Dispose();
        }
    }
}
