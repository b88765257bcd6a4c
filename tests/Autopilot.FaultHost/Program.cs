// A small process the fault tests start many times at once and kill mid-write. Every line it
// prints on stdout is an acknowledgement: the test trusts nothing that was not printed.
//
//   append <dir> <count> <actor> [threads]     append <count> entries, print "ack <seq> <hash>" after each
//   tear <dir>                                 under the ledger lock, write half an entry, print "torn", hang
//   lease <dir> <task> <phase> <holdMs> <iterations> <log>
//                                              acquire/hold/release in a loop; log "token start end pid"
//   hold-lease <dir> <task> <phase> <ttlMs>    acquire, print "held <token>", hang until killed
//
// Exit codes: 0 done, 2 storage error (message on stderr), 64 bad usage.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Leases;
using Autopilot.Core.Storage;

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

static int Append(string dir, int count, string actor, int threads)
{
    using var store = FileLedgerStore.Open(dir);
    foreach (var recovery in store.Recoveries)
    {
        Console.WriteLine($"recovered {recovery.Message}");
    }

    Console.WriteLine("ready");
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        for (int i = t; i < count; i += threads)
        {
            var result = store.Append(new LedgerAppend
            {
                Actor = actor,
                Kind = LedgerEntryKind.Other,
                Task = "fault",
                Details = JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["i"] = i }),
            });

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
    var store = new FileLeaseStore(dir);
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
        var released = store.Release(acquired.Lease!);
        if (released.Status != LeaseStatus.Released)
        {
            Console.Error.WriteLine($"error lost the lease before releasing it: {released.Message}");
            return 3;
        }

        // One write per line to an O_APPEND file: lines from different processes never mix.
        using (var stream = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(Encoding.ASCII.GetBytes($"{acquired.Lease!.Token} {start} {end} {Environment.ProcessId}\n"));
        }

        Console.WriteLine($"ack {acquired.Lease.Token}");
    }

    return 0;
}

static int HoldLease(string dir, string task, string phase, int ttlMs)
{
    var store = new FileLeaseStore(dir);
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
