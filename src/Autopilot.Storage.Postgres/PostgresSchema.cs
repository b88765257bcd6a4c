using Npgsql;

namespace Autopilot.Storage.Postgres;

/// <summary>
/// The versioned schema (in the PostgreSQL schema <c>autopilot</c>). <see cref="Migrate"/> applies the
/// versions a database lacks, in order, each in one transaction under an advisory lock, so two
/// migrators at once are safe and running it again changes nothing.
/// </summary>
public static class PostgresSchema
{
    // A fixed key for pg_advisory_xact_lock: "autopilot migrate".
    private const long MigrationLockKey = 0x6175746f6d696772;

    private static readonly string[] s_versions =
    [
        // 1: the ledger, leases, attestations and run signals (docs/distributed.md).
        """
        create table autopilot.ledger_heads (
            ledger_id   text     primary key,
            sequence    bigint   not null,
            hash        char(64) not null
        );
        create table autopilot.ledger_entries (
            ledger_id        text        not null references autopilot.ledger_heads,
            sequence         bigint      not null,
            time             timestamptz not null,
            actor            text        not null,
            kind             text        not null,
            task             text,
            idempotency_key  text,
            prev_hash        char(64)    not null,
            hash             char(64)    not null,
            line             bytea       not null,   -- the exact stored line: canonical form plus its hash
            primary key (ledger_id, sequence)
        );
        create unique index ledger_idempotency on autopilot.ledger_entries (ledger_id, idempotency_key)
            where idempotency_key is not null;
        create index ledger_by_task on autopilot.ledger_entries (ledger_id, task, sequence);
        create function autopilot.ledger_append_only() returns trigger language plpgsql as $$
        begin
            raise exception 'the ledger is append-only: % on autopilot.ledger_entries refused', tg_op;
        end $$;
        create trigger ledger_append_only before update or delete or truncate on autopilot.ledger_entries
            for each statement execute function autopilot.ledger_append_only();

        create sequence autopilot.fencing_tokens;
        create table autopilot.leases (
            scope       text        not null,
            task        text        not null,
            phase       text        not null,
            holder      text        not null,
            token       bigint      not null,
            acquired_at timestamptz not null,
            expires_at  timestamptz not null,
            primary key (scope, task, phase)
        );

        create table autopilot.attestations (
            scope           text        not null,
            task            text        not null,
            phase           text        not null,
            version         int         not null,
            time            timestamptz not null,
            actor           text        not null,
            reason          text,
            subjects        jsonb       not null,
            ledger_sequence bigint      not null,
            primary key (scope, task, phase, version)
        );

        create table autopilot.run_signals (
            scope       text        not null,
            session     text        not null,
            state       jsonb       not null,
            updated_at  timestamptz not null default now(),
            primary key (scope, session)
        );
        """,
    ];

    /// <summary>The schema version this build reads and writes.</summary>
    public static int LatestVersion => s_versions.Length;

    /// <summary>The database's schema version; 0 when it has none.</summary>
    public static int CurrentVersion(PostgresDatabase database)
    {
        using var connection = database.Connect();
        using var command = new NpgsqlCommand("select to_regclass('autopilot.schema_versions') is not null", connection);
        if (!(bool)command.ExecuteScalar()!)
        {
            return 0;
        }

        command.CommandText = "select coalesce(max(version), 0) from autopilot.schema_versions";
        return (int)command.ExecuteScalar()!;
    }

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the versions before and after.</summary>
    public static (int From, int To) Migrate(PostgresDatabase database)
    {
        using var connection = database.Connect();
        try
        {
            using var transaction = connection.BeginTransaction();
            using var command = new NpgsqlCommand(
                $"""
                select pg_advisory_xact_lock({MigrationLockKey});
                create schema if not exists autopilot;
                create table if not exists autopilot.schema_versions (
                    version    int         primary key,
                    applied_at timestamptz not null default now()
                );
                """, connection, transaction);
            command.ExecuteNonQuery();
            command.CommandText = "select coalesce(max(version), 0) from autopilot.schema_versions";
            int from = (int)command.ExecuteScalar()!;
            if (from > LatestVersion)
            {
                throw new Core.Storage.StorageException(
                    $"the database {database.Display} has Autopilot schema version {from}, newer than this autopilot knows ({LatestVersion}): upgrade autopilot", database.Display);
            }

            for (int version = from + 1; version <= LatestVersion; version++)
            {
                command.CommandText = s_versions[version - 1];
                command.ExecuteNonQuery();
                command.CommandText = $"insert into autopilot.schema_versions (version) values ({version})";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            return (from, LatestVersion);
        }
        catch (NpgsqlException ex)
        {
            throw database.Failure("schema migration failed; nothing was changed", ex);
        }
    }
}
