using Autopilot.Core.Attestation;
using Autopilot.Core.Escalation;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Autopilot.Storage.Postgres;

namespace Autopilot.Storage;

/// <summary>
/// The one place that picks where state lives: files under the state folder (the default) or a
/// PostgreSQL database. The choice, first that is set: the <c>--store</c> option, the
/// <c>AUTOPILOT_STORE</c> environment variable, a <c>store: …</c> line in <c>&lt;state&gt;/config</c>.
/// The value is <c>files</c>, a <c>postgres://…</c> URI or an Npgsql connection string.
/// </summary>
public sealed class StateStores : IDisposable
{
    public const string EnvironmentVariable = "AUTOPILOT_STORE";
    public const string ConfigFileName = "config";

    private readonly string _stateDir;
    private readonly PostgresDatabase? _database;

    private StateStores(string stateDir, PostgresDatabase? database, string source)
    {
        _stateDir = stateDir;
        _database = database;
        Source = source;
    }

    /// <summary>Which setting chose the store (for messages): "default", "--store", the variable or the config file.</summary>
    public string Source { get; }

    public bool IsPostgres => _database is not null;

    /// <summary>Where the state is: the folder, or the database without its password.</summary>
    public string Location => _database?.Display ?? _stateDir;

    public PostgresDatabase? Database => _database;

    /// <summary>The configured target and the setting it came from; null target means files.</summary>
    public static (string? Target, string Source) Resolve(string stateDir, string? explicitStore)
    {
        if (!string.IsNullOrWhiteSpace(explicitStore))
        {
            return (Normalize(explicitStore), "--store");
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return (Normalize(fromEnvironment), EnvironmentVariable);
        }

        string config = Path.Combine(stateDir, ConfigFileName);
        if (File.Exists(config))
        {
            int number = 0;
            foreach (var raw in File.ReadLines(config))
            {
                number++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                {
                    continue;
                }

                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim() == "store")
                {
                    var value = line[(colon + 1)..].Trim().Trim('"', '\'');
                    if (value.Length == 0)
                    {
                        throw new StorageException($"{config}:{number}:{colon + 2}: 'store:' needs a value (files, or a postgres:// URI)", config);
                    }

                    return (Normalize(value), $"{config}:{number}");
                }
            }
        }

        return (null, "default");
    }

    private static string? Normalize(string value) =>
        value.Trim() is "files" or "file" ? null : value.Trim();

    /// <summary>Resolves the store for <paramref name="stateDir"/>; throws <see cref="StorageException"/> for a value that is neither.</summary>
    public static StateStores Open(string stateDir, string? explicitStore = null)
    {
        var (target, source) = Resolve(stateDir, explicitStore);
        if (target is null)
        {
            return new StateStores(stateDir, null, source);
        }

        if (!PostgresDatabase.IsPostgresTarget(target))
        {
            throw new StorageException($"{source}: '{PostgresDatabase.Redact(target)}' is not a store: use files, a postgres:// URI or a PostgreSQL connection string", source);
        }

        return new StateStores(stateDir, PostgresDatabase.Open(target), source);
    }

    /// <summary>
    /// For the records the hot commands write (the decision log, the hook's entries, one-time approvals and exception
    /// uses): null when the configuration names files, else how to open the shared store's ledger (each call its own
    /// connection pool, closed with the ledger). Reads the setting only; nothing connects until the ledger is opened.
    /// </summary>
    public static Func<ILedgerStore>? SharedLedger(string stateDir, string? explicitStore)
    {
        if (Resolve(stateDir, explicitStore).Target is null)
        {
            return null;
        }

        return () =>
        {
            var stores = Open(stateDir, explicitStore);
            try
            {
                return PostgresLedgerStore.Open(stores.Database!, ownsDatabase: true);
            }
            catch
            {
                stores.Dispose();
                throw;
            }
        };
    }

    public ILedgerStore OpenLedger() =>
        _database is null ? FileLedgerStore.Open(Path.Combine(_stateDir, "ledger")) : PostgresLedgerStore.Open(_database);

    public ILeaseStore OpenLeases() =>
        _database is null ? new FileLeaseStore(Path.Combine(_stateDir, "leases")) : new PostgresLeaseStore(_database);

    public IAttestationStore OpenAttestations(ILedgerStore ledger) =>
        _database is null ? new FileAttestationStore(Path.Combine(_stateDir, "attestations"), ledger) : new PostgresAttestationStore(_database, ledger);

    public IRunSignalsStore OpenSignals() =>
        _database is null ? new RunSignalsStore(RunSignalsStore.DefaultDirectory(_stateDir)) : new PostgresRunSignalsStore(_database);

    /// <summary>Every entry, in order, without opening the ledger for writing (files: a read-only checkout works).</summary>
    public IReadOnlyList<LedgerEntry> ReadLedger()
    {
        if (_database is null)
        {
            return LedgerReader.ReadEntries(Path.Combine(_stateDir, "ledger")).Entries;
        }

        using var ledger = PostgresLedgerStore.Open(_database);
        return ledger.ReadAll();
    }

    public LedgerVerification VerifyLedger(string? expectHead)
    {
        if (_database is null)
        {
            return LedgerVerifier.Verify(Path.Combine(_stateDir, "ledger"), expectHead);
        }

        using var ledger = PostgresLedgerStore.Open(_database);
        return ledger.Verify(expectHead);
    }

    public void Dispose() => _database?.Dispose();
}
