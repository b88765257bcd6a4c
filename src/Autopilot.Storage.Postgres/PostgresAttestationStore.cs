using System.Text.Json;
using Autopilot.Core.Attestation;
using Autopilot.Core.Ledger;
using Npgsql;

namespace Autopilot.Storage.Postgres;

/// <summary>
/// Attestations in <c>autopilot.attestations</c>, one row per version. Record and update for one task
/// and phase are serialised by a transaction-scoped advisory lock; the new version is inserted in that
/// transaction, so it commits when the lock is released. The ledger entry is appended first with an
/// idempotency key (see <see cref="AttestationStore"/>), so a crash between the two is healed by the retry.
/// </summary>
public sealed class PostgresAttestationStore : AttestationStore
{
    private readonly PostgresDatabase _database;
    private readonly ThreadLocal<Held?> _held = new();

    public PostgresAttestationStore(PostgresDatabase database, ILedgerStore ledger)
        : base(ledger)
    {
        ArgumentNullException.ThrowIfNull(database);
        database.RequireSchema();
        _database = database;
    }

    protected override IDisposable Lock(string task, string phase)
    {
        var connection = _database.Connect();
        try
        {
            var transaction = connection.BeginTransaction();
            using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = $"attest\0{_database.Scope}\0{task}\0{phase}" });
            command.ExecuteNonQuery();
            var held = new Held(this, connection, transaction);
            _held.Value = held;
            return held;
        }
        catch (NpgsqlException ex)
        {
            connection.Dispose();
            throw _database.Failure($"cannot lock the attestation {task}/{phase}", ex);
        }
    }

    protected override AttestationRecord? ReadRecord(string task, string phase)
    {
        var held = _held.Value;
        var connection = held?.Connection ?? _database.Connect();
        try
        {
            using var command = new NpgsqlCommand(
                "select version, time, actor, reason, subjects::text, ledger_sequence from autopilot.attestations where scope = $1 and task = $2 and phase = $3 order by version",
                connection, held?.Transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            command.Parameters.Add(new NpgsqlParameter { Value = task });
            command.Parameters.Add(new NpgsqlParameter { Value = phase });
            using var reader = command.ExecuteReader();
            var versions = new List<AttestationVersion>();
            while (reader.Read())
            {
                var subjects = new SortedDictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4))!, StringComparer.Ordinal);
                versions.Add(new AttestationVersion(reader.GetInt32(0), new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                    reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), subjects, reader.GetInt64(5)));
            }

            return versions.Count == 0 ? null : new AttestationRecord(task, phase, versions);
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure($"cannot read the attestation {task}/{phase}", ex);
        }
        finally
        {
            if (held is null)
            {
                connection.Dispose();
            }
        }
    }

    protected override void WriteRecord(AttestationRecord record)
    {
        var held = _held.Value ?? throw new InvalidOperationException("WriteRecord outside Lock");
        var version = record.Current;
        try
        {
            using var command = new NpgsqlCommand(
                "insert into autopilot.attestations (scope, task, phase, version, time, actor, reason, subjects, ledger_sequence) values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)",
                held.Connection, held.Transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Task });
            command.Parameters.Add(new NpgsqlParameter { Value = record.Phase });
            command.Parameters.Add(new NpgsqlParameter { Value = version.Version });
            command.Parameters.Add(new NpgsqlParameter { Value = version.Time.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter { Value = version.Actor });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)version.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(version.Subjects) });
            command.Parameters.Add(new NpgsqlParameter { Value = version.LedgerSequence });
            command.ExecuteNonQuery();
            held.Commit();
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure($"cannot record the attestation {record.Task}/{record.Phase} v{version.Version}", ex);
        }
    }

    private sealed class Held(PostgresAttestationStore store, NpgsqlConnection connection, NpgsqlTransaction transaction) : IDisposable
    {
        private bool _committed;

        public NpgsqlConnection Connection { get; } = connection;

        public NpgsqlTransaction Transaction { get; } = transaction;

        public void Commit()
        {
            Transaction.Commit();
            _committed = true;
        }

        public void Dispose()
        {
            store._held.Value = null;
            if (!_committed)
            {
                Transaction.Dispose();
            }

            Connection.Dispose();
        }
    }
}
