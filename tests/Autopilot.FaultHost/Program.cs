// A small process the fault tests start many times at once and kill mid-write. Every line it
// prints on stdout is an acknowledgement: the test trusts nothing that was not printed.
//
//   append <dir> <count> <actor> [threads]     append <count> entries, print "ack <seq> <hash>" after each
//   tear <dir>                                 under the ledger lock, write half an entry, print "torn", hang
//   lease <dir> <task> <phase> <holdMs> <iterations> <log>
//                                              acquire/hold/release in a loop; log "token start end pid"
//   hold-lease <dir> <task> <phase> <ttlMs>    acquire, print "held <token>", hang until killed
//   append-keyed <dir> <count> <actor>         append with idempotency keys <actor>/<i>, retrying each until it is
//                                              acknowledged (a server restart, a cut connection); "ack <seq> <hash> <i>"
//   hold-append <pg> <go-file>                 PostgreSQL: begin, lock the head, insert the next entry, print
//                                              "holding <seq> <backend pid>", wait (uncommitted) until <go-file>
//                                              exists, then commit: "committed", or exit 2 when it cannot
//
// <dir> is a folder (the file store) or a postgres:// URI / connection string (the PostgreSQL store).
//
// Exit codes: 0 done, 2 storage error (message on stderr), 64 bad usage.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Leases;
using Autopilot.Core.Storage;
using Autopilot.Storage.Postgres;
using Npgsql;

try
{
    return args switch
    {
        ["append", var dir, var count, var actor] => Append(dir, int.Parse(count, CultureInfo.InvariantCulture), actor, 1),
        ["append", var dir, var count, var actor, var threads] => Append(dir, int.Parse(count, CultureInfo.InvariantCulture), actor, int.Parse(threads, CultureInfo.InvariantCulture)),
        ["tear", var dir] => Tear(dir),
        ["lease", var dir, var task, var phase, var holdMs, var iterations, var log] =>
            LeaseLoop(dir, task, phase, int.Parse(holdMs, CultureInfo.InvariantCulture), int.Parse(iterations, CultureInfo.InvariantCulture), log),
        ["hold-lease", var dir, var task, var phase, var ttlMs] => HoldLease(dir, task, phase, int.Parse(ttlMs, CultureInfo.InvariantCulture)),
        ["append-keyed", var dir, var count, var actor] => AppendKeyed(dir, int.Parse(count, CultureInfo.InvariantCulture), actor),
        ["hold-append", var target, var go] => HoldAppend(target, go),
        _ => Usage(),
    };
}
catch (StorageException ex)
{
    Console.Error.WriteLine($"error {ex.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: append <dir> <count> <actor> [threads] | tear <dir> | lease <dir> <task> <phase> <holdMs> <iterations> <log> | hold-lease <dir> <task> <phase> <ttlMs>");
    return 64;
}

static ILedgerStore OpenLedger(string target) => PostgresDatabase.IsPostgresTarget(target)
    ? PostgresLedgerStore.Open(PostgresDatabase.Open(target), ownsDatabase: true)
    : FileLedgerStore.Open(target);

static ILeaseStore OpenLeases(string target) => PostgresDatabase.IsPostgresTarget(target)
    ? new PostgresLeaseStore(PostgresDatabase.Open(target))
    : new FileLeaseStore(target);

static LedgerAppend Draft(string actor, int i, string? key = null) => new()
{
    Actor = actor,
    Kind = LedgerEntryKind.Other,
    Task = "fault",
    IdempotencyKey = key,
    Details = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["i"] = i }),
};

static int AppendKeyed(string target, int count, string actor)
{
    using var store = OpenLedger(target);
    Console.WriteLine("ready");
    for (int i = 0; i < count; i++)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                var result = store.Append(Draft(actor, i, $"{actor}/{i}"));
                Console.WriteLine($"ack {result.Entry.Sequence} {result.Entry.Hash} {i}");
                break;
            }
            catch (StorageException ex) when (DateTime.UtcNow < deadline)
            {
                // Not acknowledged (maybe recorded: the retry's key finds it). Wait for the server and retry.
                Console.Error.WriteLine($"retry {i}: {ex.Message}");
                Thread.Sleep(50);
            }
        }
    }

    return 0;
}

static int HoldAppend(string target, string go)
{
    using var database = PostgresDatabase.Open(target);
    using (PostgresLedgerStore.Open(database))
    {
        // Creates the head row if needed.
    }

    using var connection = database.Connect();
    using var transaction = connection.BeginTransaction();
    using var head = new NpgsqlCommand("select sequence, hash from autopilot.ledger_heads where ledger_id = $1 for update", connection, transaction);
    head.Parameters.Add(new NpgsqlParameter { Value = database.Scope });
    long sequence;
    string hash;
    using (var reader = head.ExecuteReader())
    {
        reader.Read();
        sequence = reader.GetInt64(0);
        hash = reader.GetString(1);
    }

    var line = new ByteBuffer();
    var entry = new LedgerChain(sequence, hash).Append(Draft("held", 0), DateTimeOffset.UtcNow, line);
    using var insert = new NpgsqlCommand(
        "insert into autopilot.ledger_entries (ledger_id, sequence, time, actor, kind, prev_hash, hash, line) values ($1, $2, now(), 'held', 'other', $3, $4, $5)", connection, transaction);
    insert.Parameters.Add(new NpgsqlParameter { Value = database.Scope });
    insert.Parameters.Add(new NpgsqlParameter { Value = entry.Sequence });
    insert.Parameters.Add(new NpgsqlParameter { Value = entry.PrevHash });
    insert.Parameters.Add(new NpgsqlParameter { Value = entry.Hash });
    insert.Parameters.Add(new NpgsqlParameter { Value = line.WrittenSpan[..^1].ToArray() });
    insert.ExecuteNonQuery();
    Console.WriteLine($"holding {entry.Sequence} {connection.ProcessID}");

    // Waits for the test's signal to try the commit (or is killed before that).
    while (!File.Exists(go))
    {
        Thread.Sleep(10);
    }

    try
    {
        transaction.Commit();
        Console.WriteLine("committed");
        return 0;
    }
    catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
    {
        Console.Error.WriteLine($"error commit failed: {ex.Message}");
        return 2;
    }
}

static int Append(string dir, int count, string actor, int threads)
{
    using var store = OpenLedger(dir);
    foreach (var recovery in store.Recoveries)
    {
        Console.WriteLine($"recovered {recovery.Message}");
    }

    Console.WriteLine("ready");
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        for (int i = t; i < count; i += threads)
        {
            var result = store.Append(Draft(actor, i));

            // Console.Out is synchronised and flushes each line: once printed, the entry was durable.
            Console.WriteLine($"ack {result.Entry.Sequence} {result.Entry.Hash} {i}");
        }
    })).ToList();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    return 0;
}

static int Tear(string dir)
{
    // What a writer killed in the middle of its write leaves behind: half a line, no newline.
    using var store = FileLedgerStore.Open(dir);
    store.Dispose();
    using var held = FileLock.Acquire(Path.Combine(dir, FileLedgerStore.LockFileName), TimeSpan.FromSeconds(30));
    using (var stream = new FileStream(Path.Combine(dir, FileLedgerStore.LedgerFileName), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
    {
        stream.Write("{\"actor\":\"torn\",\"kind\":\"other\",\"prevHash\":\"00"u8);
        stream.Flush(flushToDisk: true);
    }

    Console.WriteLine("torn");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}

static int LeaseLoop(string dir, string task, string phase, int holdMs, int iterations, string log)
{
    var store = OpenLeases(dir);
    string holder = $"host-{Environment.ProcessId}";
    var ttl = TimeSpan.FromSeconds(30);
    for (int n = 0; n < iterations; n++)
    {
        LeaseResult acquired;
        int attempt = 0;
        while (!(acquired = store.Acquire(task, phase, holder, ttl)).Succeeded)
        {
            Thread.Sleep(attempt++ < 3 ? 0 : 1);
        }

        long start = Stopwatch.GetTimestamp();
        if (holdMs > 0)
        {
            Thread.Sleep(holdMs);
        }

        long end = Stopwatch.GetTimestamp();

        // Logged while still holding the lease, so no two processes write the log at once (an append
        // that is not O_APPEND could overwrite another's line): only overlapping holders could collide.
        using (var stream = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(Encoding.ASCII.GetBytes($"{acquired.Lease!.Token} {start} {end} {Environment.ProcessId}\n"));
        }

        var released = store.Release(acquired.Lease!);
        if (released.Status != LeaseStatus.Released)
        {
            Console.Error.WriteLine($"error lost the lease before releasing it: {released.Message}");
            return 3;
        }

        Console.WriteLine($"ack {acquired.Lease.Token}");
    }

    return 0;
}

static int HoldLease(string dir, string task, string phase, int ttlMs)
{
    var store = OpenLeases(dir);
    var result = store.Acquire(task, phase, $"host-{Environment.ProcessId}", TimeSpan.FromMilliseconds(ttlMs));
    if (!result.Succeeded)
    {
        Console.Error.WriteLine($"error {result.Message}");
        return 3;
    }

    Console.WriteLine($"held {result.Lease!.Token}");
    Thread.Sleep(Timeout.Infinite);
    return 0;
}
