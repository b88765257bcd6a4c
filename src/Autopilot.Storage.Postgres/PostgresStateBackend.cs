using Autopilot.Core.Attestation;
using Autopilot.Core.Escalation;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;

namespace Autopilot.Storage.Postgres;

/// <summary>PostgreSQL as the shared store <see cref="StateStores"/> picks for a <c>postgres://…</c> target.</summary>
public sealed class PostgresStateBackend : IStateBackend
{
    private PostgresStateBackend(PostgresDatabase database) => Database = database;

    public PostgresDatabase Database { get; }

    public string Display => Database.Display;

    /// <summary>Makes <see cref="StateStores.Open"/> accept PostgreSQL targets (the managed CLI calls this at start).</summary>
    public static void Register() =>
        StateStores.Register(PostgresDatabase.IsPostgresTarget, target => new PostgresStateBackend(PostgresDatabase.Open(target)), PostgresDatabase.Redact);

    public ILedgerStore OpenLedger() => PostgresLedgerStore.Open(Database);

    public ILeaseStore OpenLeases() => new PostgresLeaseStore(Database);

    public IAttestationStore OpenAttestations(ILedgerStore ledger) => new PostgresAttestationStore(Database, ledger);

    public IRunSignalsStore OpenSignals() => new PostgresRunSignalsStore(Database);

    public IReadOnlyList<LedgerEntry> ReadLedger()
    {
        using var ledger = PostgresLedgerStore.Open(Database);
        return ledger.ReadAll();
    }

    public LedgerVerification VerifyLedger(string? expectHead)
    {
        using var ledger = PostgresLedgerStore.Open(Database);
        return ledger.Verify(expectHead);
    }

    public void Dispose() => Database.Dispose();
}
