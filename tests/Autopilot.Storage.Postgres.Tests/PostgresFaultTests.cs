using System.Collections.Concurrent;
using System.Globalization;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Autopilot.Core.Tests.Conformance;
using Autopilot.Core.Tests.Ledger;

namespace Autopilot.Storage.Postgres.Tests;

/// <summary>Fault tests cut sessions and restart the server: they run alone, after the rest.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerFaults
{
    public const string Name = "PostgreSQL server faults";
}

/// <summary>
/// Real faults against a real server, with real processes (Autopilot.FaultHost): a client killed
/// while it holds an append transaction, a connection cut mid-append, the server restarted during a
/// stream of appends from 8 processes, 8 processes contending for one lease. After each: nothing
/// acknowledged is lost, no two holders, fencing tokens strictly increase, the ledger verifies.
/// </summary>
[Collection(ServerFaults.Name)]
public sealed class PostgresFaultTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        _owned.ForEach(o => o.Dispose());
        _temp.Dispose();
    }

    private (PostgresCluster Cluster, PostgresDatabase Database, string Target) Scope()
    {
        var cluster = PostgresCluster.Require();
        var database = cluster.NewScope();
        _owned.Add(database);
        return (cluster, database, $"{cluster.ConnectionString};Ledger={database.Scope}");
    }

    private PostgresLedgerStore Ledger(PostgresDatabase database)
    {
        var store = PostgresLedgerStore.Open(database);
        _owned.Add(store);
        return store;
    }

    private static void AssertVerifies(PostgresLedgerStore store, long entries)
    {
        var verification = store.Verify();
        Assert.True(verification.IsValid, verification.Problem?.Message);
        Assert.Equal(entries, verification.EntryCount);
    }

    [SkippableFact]
    public void AClientKilledWhileHoldingAnAppendTransaction_BlocksNoOne_AndLeavesNoEntry()
    {
        var (_, database, target) = Scope();
        var store = Ledger(database);
        for (int i = 0; i < 5; i++)
        {
            store.Append(LedgerStoreConformance.Draft(i: i));
        }

        using var host = FaultHost.Start("hold-append", target, _temp.Sub("never"));
        host.WaitFor(lines => lines.Any(l => l.StartsWith("holding 6 ", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));

        // Another writer queues behind the held head row lock...
        var other = Ledger(database);
        var waiting = Task.Run(() => other.Append(LedgerStoreConformance.Draft(actor: "after", i: 99)));
        Assert.False(waiting.Wait(TimeSpan.FromMilliseconds(500)), "the append should wait for the held transaction");

        // ...until the holder dies: the server rolls its transaction back and releases the lock.
        host.Kill();
        Assert.True(waiting.Wait(TimeSpan.FromSeconds(30)), "the append stayed blocked after the holder was killed");
        Assert.Equal(6, waiting.Result.Entry.Sequence);
        var entries = store.ReadAll();
        Assert.Equal(6, entries.Count);
        Assert.DoesNotContain(entries, e => e.Actor == "held");
        AssertVerifies(store, 6);
    }

    [SkippableFact]
    public void AConnectionCutMidAppend_RollsTheAppendBack_AndItIsNotAcknowledged()
    {
        var (cluster, database, target) = Scope();
        var store = Ledger(database);
        store.Append(LedgerStoreConformance.Draft(i: 0));
        string go = _temp.Sub("go");
        using var host = FaultHost.Start("hold-append", target, go);
        host.WaitFor(lines => lines.Any(l => l.StartsWith("holding 2 ", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
        int backend = int.Parse(host.Lines.First(l => l.StartsWith("holding", StringComparison.Ordinal)).Split(' ')[2], CultureInfo.InvariantCulture);

        cluster.Execute($"select pg_terminate_backend({backend})");
        File.WriteAllText(go, "");
        Assert.Equal(2, host.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain("committed", host.Lines);
        Assert.Contains("commit failed", host.StandardError);

        Assert.Single(store.ReadAll());
        Assert.Equal(2, store.Append(LedgerStoreConformance.Draft(i: 1)).Entry.Sequence);
        AssertVerifies(store, 2);
    }

    [SkippableFact]
    public void ConnectionsCutWhileFourThreadsAppend_RetriesWithKeys_RecordEachEntryOnce()
    {
        var (cluster, database, _) = Scope();
        var store = Ledger(database);
        const int threads = 4, perThread = 60;
        var acknowledged = new ConcurrentBag<LedgerEntry>();
        int failures = 0;
        using var stop = new CancellationTokenSource();
        var cutter = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                cluster.Execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'autopilot' and pid <> pg_backend_pid()");
                Thread.Sleep(15);
            }
        });
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                while (true)
                {
                    try
                    {
                        acknowledged.Add(store.Append(LedgerStoreConformance.Draft(actor: $"t{t}", key: $"t{t}/{i}", i: i)).Entry);
                        break;
                    }
                    catch (StorageException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        stop.Cancel();
        cutter.Wait();

        var entries = store.ReadAll();
        Assert.Equal(threads * perThread, entries.Count);
        Assert.Equal(threads * perThread, entries.Select(e => e.IdempotencyKey).Distinct().Count());
        var byHash = entries.ToDictionary(e => e.Hash);
        Assert.All(acknowledged, a => Assert.Equal(a.Sequence, byHash[a.Hash].Sequence));
        Assert.True(failures > 0, "no connection was cut: the test did not exercise the fault");
        AssertVerifies(store, threads * perThread);
    }

    [SkippableFact]
    public void LeaseStatementsAfterACutConnection_RunOnceMoreOnAFreshOne()
    {
        var (cluster, database, _) = Scope();
        var store = new PostgresLeaseStore(database);
        void CutEverySession() =>
            cluster.Execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'autopilot' and pid <> pg_backend_pid()");

        // Each statement finds its pooled connection cut by the server, and answers as if nothing happened.
        var first = store.Acquire("T-1", "implement", "alice", TimeSpan.FromMinutes(1)).Lease!;
        CutEverySession();
        var renewed = store.Renew(first, TimeSpan.FromMinutes(2));
        Assert.Equal(LeaseStatus.Renewed, renewed.Status);
        Assert.Equal(first.Token, renewed.Lease!.Token);
        CutEverySession();
        var again = store.Acquire("T-1", "implement", "alice", TimeSpan.FromMinutes(1));
        Assert.Equal(LeaseStatus.Acquired, again.Status);
        Assert.Equal(first.Token, again.Lease!.Token);
        CutEverySession();
        Assert.Equal(LeaseStatus.Released, store.Release(first).Status);
        CutEverySession();
        var next = store.Acquire("T-1", "implement", "bob", TimeSpan.FromMinutes(1));
        Assert.Equal(LeaseStatus.Acquired, next.Status);
        Assert.True(next.Lease!.Token > first.Token);
        Assert.True(database.Retries >= 4, $"only {database.Retries} statements ran again: the cuts were not met");

        // A holder other than the one recorded is still refused after a cut (the retry does not blur who holds it).
        CutEverySession();
        var refused = store.Acquire("T-1", "implement", "carol", TimeSpan.FromMinutes(1));
        Assert.Equal(LeaseStatus.Held, refused.Status);
        Assert.Equal("bob", refused.Holder!.Holder);
        Assert.Equal(LeaseStatus.NotHeld, store.Release(first).Status);
    }

    [SkippableFact]
    public void TheServerRestartedDuringAppendsFromEightProcesses_LosesNoAcknowledgedEntry()
    {
        var (cluster, database, target) = Scope();
        Skip.IfNot(cluster.Owned, "needs a server this run started (it restarts it)");
        int processes = 8, perProcess = FaultHost.LongRun ? 400 : 40;
        var hosts = Enumerable.Range(0, processes)
            .Select(p => FaultHost.Start("append-keyed", target, perProcess.ToString(CultureInfo.InvariantCulture), $"p{p}"))
            .ToList();
        try
        {
            foreach (var host in hosts)
            {
                host.WaitFor(lines => lines.Count(l => l.StartsWith("ack", StringComparison.Ordinal)) >= 3, TimeSpan.FromSeconds(120));
            }

            cluster.RestartFast();
            foreach (var host in hosts)
            {
                Assert.True(host.WaitForExit(TimeSpan.FromMinutes(5)) == 0, host.StandardError);
            }

            var acks = hosts.SelectMany(h => h.Lines.Where(l => l.StartsWith("ack", StringComparison.Ordinal)))
                .Select(l => l.Split(' '))
                .Select(p => (Sequence: long.Parse(p[1], CultureInfo.InvariantCulture), Hash: p[2]))
                .ToList();
            Assert.Equal(processes * perProcess, acks.Count);
            Assert.True(hosts.Any(h => h.StandardError.Contains("retry", StringComparison.Ordinal)), "no append saw the restart");

            var store = Ledger(database);
            var entries = store.ReadAll();
            Assert.Equal(processes * perProcess, entries.Count);
            Assert.Equal(Enumerable.Range(1, processes * perProcess).Select(i => (long)i), entries.Select(e => e.Sequence));
            var byHash = entries.ToDictionary(e => e.Hash);
            Assert.All(acks, a => Assert.Equal(a.Sequence, byHash[a.Hash].Sequence));
            AssertVerifies(store, processes * perProcess);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    [SkippableFact]
    public void EightProcessesContendingForOneLease_NeverHoldAtOnce_AndTokensStrictlyIncrease()
    {
        var (_, _, target) = Scope();
        int processes = 8, iterations = FaultHost.LongRun ? 100 : 8;
        string log = _temp.Sub("holders.log");
        LeaseContention.Run(target, processes, iterations, log);
    }

    [SkippableFact]
    public void AHolderKilledWithSigkill_IsTakenOverAfterExpiry_WithANewerToken()
    {
        var (_, database, target) = Scope();
        long token;
        using (var host = FaultHost.Start("hold-lease", target, "T-1", "verify", "1500"))
        {
            host.WaitFor(lines => lines.Any(l => l.StartsWith("held", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
            token = long.Parse(host.Lines.First(l => l.StartsWith("held", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
            host.Kill();
        }

        var store = new PostgresLeaseStore(database);
        var early = store.Acquire("T-1", "verify", "rescuer", TimeSpan.FromSeconds(30));
        Assert.Equal(LeaseStatus.Held, early.Status);
        Assert.Equal(token, early.Holder!.Token);

        Thread.Sleep(early.Holder.ExpiresAt - store.Now() + TimeSpan.FromMilliseconds(50));
        var later = store.Acquire("T-1", "verify", "rescuer", TimeSpan.FromSeconds(30));
        Assert.Equal(LeaseStatus.TakenOver, later.Status);
        Assert.True(later.Lease!.Token > token);
    }
}
