using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Tests.Ledger;

/// <summary>
/// Real processes (Autopilot.FaultHost) appending at once and being killed with SIGKILL. A short
/// form runs by default; AUTOPILOT_LONG_TESTS=1 runs the long one.
/// </summary>
public sealed class LedgerFaultTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string Dir => _temp.Sub("ledger");

    public void Dispose() => _temp.Dispose();

    private static Dictionary<long, string> Acks(IEnumerable<string> lines) => lines
        .Where(l => l.StartsWith("ack ", StringComparison.Ordinal))
        .Select(l => l.Split(' '))
        .ToDictionary(p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p => p[2]);

    [Fact]
    public void EightProcessesAppendingAtOnce_LoseNothing_AndTheChainVerifies()
    {
        int processes = 8, perProcess = FaultHost.LongRun ? 2000 : 60;
        Directory.CreateDirectory(Dir);
        var hosts = Enumerable.Range(0, processes).Select(p => FaultHost.Start("append", Dir, perProcess.ToString(), $"writer-{p}", "2")).ToList();
        try
        {
            // Readers take no lock: verifying while the writers run sees a valid prefix every time.
            int verifiedWhileRunning = 0;
            while (hosts.Any(h => !h.HasExited))
            {
                var during = LedgerVerifier.Verify(Dir);
                Assert.True(during.IsValid, during.Problem?.Message);
                verifiedWhileRunning++;
            }

            foreach (var host in hosts)
            {
                Assert.True(host.WaitForExit(TimeSpan.FromMinutes(5)) == 0, host.StandardError);
            }

            Assert.True(verifiedWhileRunning > 0);
            var entries = LedgerReader.ReadEntries(Dir).Entries;
            Assert.Equal(processes * perProcess, entries.Count);
            Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
            foreach (var host in hosts)
            {
                var acks = Acks(host.Lines);
                Assert.Equal(perProcess, acks.Count);
                foreach (var (sequence, hash) in acks)
                {
                    Assert.Equal(hash, entries[(int)sequence - 1].Hash);
                }
            }

            Assert.All(entries.GroupBy(e => e.Actor), g => Assert.Equal(perProcess, g.Count()));
            var verification = LedgerVerifier.Verify(Dir);
            Assert.True(verification.IsValid, verification.Problem?.Message);
            Assert.Equal(0, verification.TornTailBytes);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public void AWriterKilledMidAppend_AgainAndAgain_LosesNoAcknowledgedEntry()
    {
        int rounds = FaultHost.LongRun ? 60 : 6;
        var random = new Random(20250101);
        var acknowledged = new Dictionary<long, string>();
        int tornRounds = 0, recoveriesReported = 0;
        Directory.CreateDirectory(Dir);
        for (int round = 0; round < rounds; round++)
        {
            if (round % 3 == 2)
            {
                // A writer dying in the middle of its write, holding the lock: half a line on disk.
                using var tear = FaultHost.Start("tear", Dir);
                tear.WaitFor(lines => lines.Contains("torn"), TimeSpan.FromSeconds(60));
                tear.Kill();
                tornRounds++;
                continue;
            }

            using var host = FaultHost.Start("append", Dir, "1000000", $"round-{round}", "4");
            int killAfter = random.Next(1, 120);
            host.WaitFor(lines => lines.Count(l => l.StartsWith("ack ", StringComparison.Ordinal)) >= killAfter, TimeSpan.FromSeconds(60));
            Thread.Sleep(random.Next(0, 5));
            host.Kill();

            recoveriesReported += host.Lines.Count(l => l.StartsWith("recovered ", StringComparison.Ordinal));

            // Every line printed before the kill was an acknowledgement the child made.
            foreach (var (sequence, hash) in Acks(host.Lines))
            {
                Assert.True(acknowledged.TryAdd(sequence, hash), $"sequence {sequence} acknowledged twice");
            }
        }

        using (var store = FileLedgerStore.Open(Dir))
        {
            // The last round may have left a torn line; opening cuts it (earlier ones were cut by the next writer).
            Assert.All(store.Recoveries, r => Assert.Equal(LedgerRecoveryKind.TornTailCut, r.Kind));
        }

        var verification = LedgerVerifier.Verify(Dir);
        Assert.True(verification.IsValid, verification.Problem?.Message);
        var entries = LedgerReader.ReadEntries(Dir).Entries;
        Assert.True(tornRounds > 0);
        Assert.True(recoveriesReported > 0, "no writer reported cutting a torn line");
        Assert.NotEmpty(acknowledged);
        foreach (var (sequence, hash) in acknowledged)
        {
            Assert.True(sequence <= entries.Count, $"acknowledged entry {sequence} lost (ledger has {entries.Count})");
            Assert.Equal(hash, entries[(int)sequence - 1].Hash);
        }
    }

    [Fact]
    public void ARecoveringWriter_ReportsTheTornLineItCut()
    {
        Directory.CreateDirectory(Dir);
        using (var first = FaultHost.Start("append", Dir, "3", "a"))
        {
            Assert.Equal(0, first.WaitForExit(TimeSpan.FromSeconds(60)));
        }

        using (var tear = FaultHost.Start("tear", Dir))
        {
            tear.WaitFor(lines => lines.Contains("torn"), TimeSpan.FromSeconds(60));
            tear.Kill();
        }

        using var second = FaultHost.Start("append", Dir, "1", "b");
        Assert.Equal(0, second.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains(second.Lines, l => l.StartsWith("recovered ", StringComparison.Ordinal) && l.Contains(":4: cut a torn last line"));
        Assert.Equal(4, Acks(second.Lines).Keys.Single());
        Assert.True(LedgerVerifier.Verify(Dir).IsValid);
    }
}
