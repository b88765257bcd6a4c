using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Storage.Postgres;
using BenchmarkDotNet.Attributes;
using Npgsql;

namespace Autopilot.Benchmarks;

/// <summary>
/// The PostgreSQL store against its floor, measured in the same run on the same server
/// (synchronous_commit on): a durable append ≤ 2× a bare single-row INSERT + COMMIT; lease
/// acquire+release ≤ 2× one commit. The server is the one in AUTOPILOT_BENCH_POSTGRES
/// (benchmarks/postgres-load.sh starts a throwaway one and sets it).
/// </summary>
[MemoryDiagnoser]
public class PostgresStoreBenchmarks
{
    private PostgresDatabase _database = null!;
    private PostgresLedgerStore _ledger = null!;
    private PostgresLeaseStore _leases = null!;
    private NpgsqlDataSource _bare = null!;
    private LedgerAppend _draft = null!;
    private int _lease;

    [GlobalSetup]
    public void Setup()
    {
        string connection = Environment.GetEnvironmentVariable("AUTOPILOT_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("set AUTOPILOT_BENCH_POSTGRES to a PostgreSQL connection string (benchmarks/postgres-load.sh does)");
        _database = PostgresDatabase.Open(connection, "bench-" + Guid.NewGuid().ToString("N")[..8]);
        PostgresSchema.Migrate(_database);
        _ledger = PostgresLedgerStore.Open(_database);
        _leases = new PostgresLeaseStore(_database);
        // The floor at its best: prepared and without a reset on return to the pool, as the store's own connections.
        _bare = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { MaxAutoPrepare = 32, AutoPrepareMinUsages = 2, NoResetOnClose = true }.ConnectionString);
        using (var command = _bare.CreateCommand("create table if not exists bench_bare (id bigserial primary key, line bytea not null)"))
        {
            command.ExecuteNonQuery();
        }

        _draft = StateBenchmarks.TransitionDraft();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
        _database.Dispose();
        _bare.Dispose();
    }

    /// <summary>The floor: one row of the same size, INSERT and COMMIT (autocommit: one round trip, one WAL flush).</summary>
    [Benchmark(Baseline = true)]
    public int BareInsertCommit()
    {
        using var connection = _bare.OpenConnection();
        using var command = new NpgsqlCommand("insert into bench_bare (line) values ($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = new byte[420] });
        return command.ExecuteNonQuery();
    }

    [Benchmark]
    public long DurableAppend() => _ledger.Append(_draft).Entry.Sequence;

    [Benchmark]
    public bool LeaseAcquireRelease()
    {
        var acquired = _leases.Acquire("T-" + (_lease++ % 64), "implement", "agent-7", TimeSpan.FromMinutes(1));
        return _leases.Release(acquired.Lease!).Succeeded;
    }
}

/// <summary>
/// 64 appenders (threads sharing one store, so the group commit batches them) for a few seconds
/// against the server: appends per second, commits (batches), and the chain verified afterwards.
/// </summary>
public static class PostgresLoad
{
    public static int Run(string connection, int appenders, double seconds)
    {
        using var database = PostgresDatabase.Open(connection, "load-" + Guid.NewGuid().ToString("N")[..8]);
        PostgresSchema.Migrate(database);
        using var store = PostgresLedgerStore.Open(database);
        long appended = 0;
        var stopAt = DateTime.UtcNow.AddSeconds(seconds);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var workers = Enumerable.Range(0, appenders).Select(t => new Thread(() =>
        {
            int i = 0;
            while (DateTime.UtcNow < stopAt)
            {
                store.Append(new LedgerAppend { Actor = $"agent-{t}", Kind = LedgerEntryKind.Other, Task = $"T-{t}", IdempotencyKey = $"{t}/{i++}" });
                Interlocked.Increment(ref appended);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        clock.Stop();

        var verifyClock = System.Diagnostics.Stopwatch.StartNew();
        var verification = store.Verify();
        verifyClock.Stop();
        double rate = appended / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"appenders={appenders} seconds={clock.Elapsed.TotalSeconds:0.00} appends={appended} appends_per_second={rate:0} " +
            $"commits={store.CommitCount} locked_commits={store.LockedCommitCount} mean_batch={(double)appended / Math.Max(1, store.CommitCount):0.0} " +
            $"verify={(verification.IsValid ? "ok" : "BROKEN: " + verification.Problem!.Message)} entries={verification.EntryCount} verify_ms={verifyClock.Elapsed.TotalMilliseconds:0}");
        return verification.IsValid && verification.EntryCount == appended ? 0 : 1;
    }
}
