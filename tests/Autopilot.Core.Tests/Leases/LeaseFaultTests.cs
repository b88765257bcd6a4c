using System.Globalization;
using Autopilot.Core.Leases;
using Autopilot.Core.Storage;
using Autopilot.Core.Tests.Conformance;
using Autopilot.Core.Tests.Ledger;

namespace Autopilot.Core.Tests.Leases;

/// <summary>Real processes (Autopilot.FaultHost) contending for one lease, and a holder killed with SIGKILL.</summary>
public sealed class LeaseFaultTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly Mounts _mounts = new();

    public void Dispose()
    {
        _mounts.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void EightProcessesContending_NeverHoldAtOnce_AndTokensStrictlyIncrease()
    {
        int processes = 8, iterations = FaultHost.LongRun ? 200 : 12;
        string dir = _temp.Sub("leases"), log = _temp.Sub("holders.log");
        var holds = LeaseContention.Run(dir, processes, iterations, log);
        Assert.Equal(holds[^1].Token, new FileLeaseStore(dir).LastToken());
    }

    [Fact]
    public void AHolderKilledWithSigkill_IsTakenOverAfterExpiry_WithANewerToken()
    {
        string dir = _temp.Sub("leases");
        long token;
        using (var holder = FaultHost.Start("hold-lease", dir, "T-1", "verify", "800"))
        {
            holder.WaitFor(lines => lines.Any(l => l.StartsWith("held ", StringComparison.Ordinal)), TimeSpan.FromSeconds(60));
            token = long.Parse(holder.Lines.First(l => l.StartsWith("held ", StringComparison.Ordinal))[5..], CultureInfo.InvariantCulture);
            holder.Kill();
        }

        var store = new FileLeaseStore(dir);
        var early = store.Acquire("T-1", "verify", "rescuer", TimeSpan.FromSeconds(5));
        if (early.Status == LeaseStatus.Held)
        {
            Thread.Sleep(early.Holder!.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50));
            early = store.Acquire("T-1", "verify", "rescuer", TimeSpan.FromSeconds(5));
        }

        Assert.Equal(LeaseStatus.TakenOver, early.Status);
        Assert.True(early.Lease!.Token > token);
    }

    [Fact]
    public void AFullDisk_RefusesTheLease_AndKeepsTheCounter()
    {
        string dir = _temp.Sub("small");
        if (!_mounts.TryTmpfs(dir, "64k"))
        {
            return;
        }

        var store = new FileLeaseStore(dir);
        var first = store.Acquire("T", "p", "a", TimeSpan.FromMinutes(1)).Lease!;
        store.Release(first);

        // Fill the disk.
        try
        {
            using var filler = new FileStream(Path.Combine(dir, "filler"), FileMode.Create);
            var block = new byte[4096];
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
        }

        var error = Assert.Throws<StorageException>(() => store.Acquire("T", "p", "b", TimeSpan.FromMinutes(1)));
        Assert.Contains("No space left on device", error.Message);
        Assert.Null(store.Get("T", "p"));
        Assert.Equal(first.Token, store.LastToken());

        File.Delete(Path.Combine(dir, "filler"));
        Assert.Equal(first.Token + 1, store.Acquire("T", "p", "b", TimeSpan.FromMinutes(1)).Lease!.Token);
    }
}
