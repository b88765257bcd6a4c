using Autopilot.Core.Leases;
using Npgsql;

namespace Autopilot.Storage.Postgres;

/// <summary>
/// Leases in <c>autopilot.leases</c>, one row per scope, task and phase. Every operation is one
/// statement (atomic without explicit locks); expiry is judged by the database clock (<c>now()</c>),
/// one clock for every machine; fencing tokens come from the sequence <c>autopilot.fencing_tokens</c>,
/// which never goes back, not even after a crash, so tokens only grow.
/// </summary>
/// <remarks>
/// Release commits with <c>synchronous_commit = off</c>: if the server crashes right after it, the
/// release may be undone and the lease lingers until it expires, the same trade-off as the file
/// store's release (delete without fsync). Acquire and renew wait for the WAL flush.
/// </remarks>
public sealed class PostgresLeaseStore : ILeaseStore
{
    private readonly PostgresDatabase _database;

    public PostgresLeaseStore(PostgresDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        database.RequireSchema();
        _database = database;
    }

    public LeaseResult Acquire(string task, string phase, string holder, TimeSpan timeToLive)
    {
        LeaseRules.Validate(task, phase, holder, timeToLive);
        for (int attempt = 0; ; attempt++)
        {
            Lease? lease, old;
            DateTimeOffset now;
            try
            {
                // Acquiring with the same holder is idempotent: a first run whose answer was lost (the
                // connection cut after the commit) is found by the second as the holder's own lease, same token.
                (lease, old, now) = _database.Retrying(connection => Grant(connection, task, phase, holder, timeToLive));
            }
            catch (NpgsqlException ex)
            {
                _database.ForgetConnections(ex);
                throw _database.Failure($"cannot acquire the lease {task}/{phase}", ex);
            }

            if (lease is not null)
            {
                return old is not null && old.Token == lease.Token
                    ? LeaseRules.Extended(lease)
                    : LeaseRules.Granted(lease, old is not null && old.IsExpired(now) ? old : null);
            }

            // Not granted: someone holds it. The snapshot of `old` may predate a holder that committed
            // meanwhile; read the holder again (the row exists now) before answering.
            var current = old is not null && !old.IsExpired(now) ? old : Get(task, phase);
            if (current is not null)
            {
                return LeaseRules.Held(current);
            }

            if (attempt >= 10)
            {
                throw new Core.Storage.StorageException($"cannot acquire the lease {task}/{phase}: it changed hands ten times in a row", _database.Display);
            }
        }
    }

    /// <summary>One acquire statement: the granted lease (null when held by another), the row before it, the database's now.</summary>
    private (Lease? Lease, Lease? Old, DateTimeOffset Now) Grant(NpgsqlConnection connection, string task, string phase, string holder, TimeSpan timeToLive)
    {
        var command = new NpgsqlBatchCommand(
            """
            with old as (
                select holder, token, acquired_at, expires_at from autopilot.leases where scope = $1 and task = $2 and phase = $3),
            granted as (
                insert into autopilot.leases as l (scope, task, phase, holder, token, acquired_at, expires_at)
                values ($1, $2, $3, $4, nextval('autopilot.fencing_tokens'), now(), now() + $5)
                on conflict (scope, task, phase) do update set
                    holder = excluded.holder,
                    token = case when l.expires_at > now() then l.token else excluded.token end,
                    acquired_at = case when l.expires_at > now() then l.acquired_at else excluded.acquired_at end,
                    expires_at = excluded.expires_at
                where l.expires_at <= now() or l.holder = excluded.holder
                returning token, acquired_at, expires_at)
            select g.token, g.acquired_at, g.expires_at, o.holder, o.token, o.acquired_at, o.expires_at, now()
            from (select 1) one left join granted g on true left join old o on true
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = task });
        command.Parameters.Add(new NpgsqlParameter { Value = phase });
        command.Parameters.Add(new NpgsqlParameter { Value = holder });
        command.Parameters.Add(new NpgsqlParameter { Value = timeToLive });
        Lease? lease = null, old = null;
        // nextval runs when the row is proposed, before the insert meets a conflicting row: a
        // statement that took its token and then stalled could insert it after a later token was
        // granted and released. Acquires of one lease are serialised by a transaction-scoped advisory
        // lock (one implicit transaction, one Sync), so each takes its token after the previous one.
        using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("select pg_advisory_xact_lock(hashtextextended($1 || '/' || $2 || '/' || $3, 0))")
                {
                    Parameters =
                    {
                        new NpgsqlParameter { Value = _database.Scope },
                        new NpgsqlParameter { Value = task },
                        new NpgsqlParameter { Value = phase },
                    },
                },
                command,
            },
        };
        using var reader = batch.ExecuteReader();
        reader.NextResult();
        reader.Read();
        if (!reader.IsDBNull(0))
        {
            lease = new Lease(task, phase, holder, reader.GetInt64(0), Utc(reader, 1), Utc(reader, 2));
        }

        if (!reader.IsDBNull(3))
        {
            old = new Lease(task, phase, reader.GetString(3), reader.GetInt64(4), Utc(reader, 5), Utc(reader, 6));
        }

        return (lease, old, Utc(reader, 7));
    }

    public LeaseResult Renew(Lease lease, TimeSpan timeToLive)
    {
        ArgumentNullException.ThrowIfNull(lease);
        LeaseRules.Validate(lease.Task, lease.Phase, lease.Holder, timeToLive);
        Lease? renewed;
        try
        {
            // Safe to run twice: a second run extends the same token again, from a slightly later now.
            renewed = _database.Retrying(connection =>
            {
                using var command = new NpgsqlCommand(
                    """
                    update autopilot.leases set expires_at = now() + $5
                    where scope = $1 and task = $2 and phase = $3 and token = $4 and expires_at > now()
                    returning holder, token, acquired_at, expires_at
                    """, connection);
                command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
                command.Parameters.Add(new NpgsqlParameter { Value = lease.Task });
                command.Parameters.Add(new NpgsqlParameter { Value = lease.Phase });
                command.Parameters.Add(new NpgsqlParameter { Value = lease.Token });
                command.Parameters.Add(new NpgsqlParameter { Value = timeToLive });
                using var reader = command.ExecuteReader();
                return reader.Read() ? new Lease(lease.Task, lease.Phase, reader.GetString(0), reader.GetInt64(1), Utc(reader, 2), Utc(reader, 3)) : null;
            });
        }
        catch (NpgsqlException ex)
        {
            _database.ForgetConnections(ex);
            throw _database.Failure($"cannot renew the lease {lease.Task}/{lease.Phase}", ex);
        }

        if (renewed is not null)
        {
            return LeaseRules.Renewed(renewed);
        }

        var current = Get(lease.Task, lease.Phase);
        return current is not null && current.Token == lease.Token
            ? LeaseRules.Expired(lease, current)
            : LeaseRules.NotHeld(lease, current);
    }

    public LeaseResult Release(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        bool deleted, retried = false;
        try
        {
            // Release by token is idempotent: a second run after a first whose answer was lost finds the row gone.
            deleted = _database.Retrying((connection, isRetry) =>
            {
                retried = isRetry;
                using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        // One implicit transaction (one Sync): the setting applies to this delete only.
                        new NpgsqlBatchCommand("select set_config('synchronous_commit', 'off', true)"),
                        new NpgsqlBatchCommand("delete from autopilot.leases where scope = $1 and task = $2 and phase = $3 and token = $4")
                        {
                            Parameters =
                            {
                                new NpgsqlParameter { Value = _database.Scope },
                                new NpgsqlParameter { Value = lease.Task },
                                new NpgsqlParameter { Value = lease.Phase },
                                new NpgsqlParameter { Value = lease.Token },
                            },
                        },
                    },
                };
                batch.ExecuteNonQuery();
                return batch.BatchCommands[1].RecordsAffected == 1;
            });
        }
        catch (NpgsqlException ex)
        {
            _database.ForgetConnections(ex);
            throw _database.Failure($"cannot release the lease {lease.Task}/{lease.Phase}", ex);
        }

        if (deleted)
        {
            return LeaseRules.Released(lease);
        }

        var current = Get(lease.Task, lease.Phase);

        // Run a second time, the delete found nothing: the first run deleted the row unless someone holds it now.
        return retried && current is null ? LeaseRules.Released(lease) : LeaseRules.NotHeld(lease, current);
    }

    public Lease? Get(string task, string phase)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        try
        {
            return _database.Retrying(connection =>
            {
                using var command = new NpgsqlCommand(
                    "select holder, token, acquired_at, expires_at from autopilot.leases where scope = $1 and task = $2 and phase = $3", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
                command.Parameters.Add(new NpgsqlParameter { Value = task });
                command.Parameters.Add(new NpgsqlParameter { Value = phase });
                using var reader = command.ExecuteReader();
                return reader.Read() ? new Lease(task, phase, reader.GetString(0), reader.GetInt64(1), Utc(reader, 2), Utc(reader, 3)) : null;
            });
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure($"cannot read the lease {task}/{phase}", ex);
        }
    }

    /// <summary>The database clock, which judges expiry.</summary>
    public DateTimeOffset Now()
    {
        using var connection = _database.Connect();
        using var command = new NpgsqlCommand("select now()", connection);
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)command.ExecuteScalar()!, DateTimeKind.Utc));
    }

    private static DateTimeOffset Utc(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
