using Autopilot.Core.Leases;
using Autopilot.Core.Storage;
using Autopilot.Core.Tests.Ledger;

namespace Autopilot.Core.Tests.Leases;

public sealed class LeaseStoreTests : IDisposable
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromMinutes(1);
    private readonly TempDir _temp = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly FileLeaseStore _store;

    public LeaseStoreTests()
    {
        _store = new FileLeaseStore(_temp.Sub("leases"), new LeaseOptions { TimeProvider = _clock });
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TimesComeFromTheStoreClock_AndLastToken_IsTheLargestGranted()
    {
        var first = _store.Acquire("T-1", "plan", "alice", s_ttl).Lease!;
        Assert.Equal(_clock.GetUtcNow() + s_ttl, first.ExpiresAt);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(_clock.GetUtcNow() + s_ttl, _store.Renew(first, s_ttl).Lease!.ExpiresAt);
        _store.Release(first);
        var second = _store.Acquire("T-1", "plan", "bob", s_ttl).Lease!;
        Assert.Equal(second.Token, _store.LastToken());
        Assert.Equal(second.Token, new FileLeaseStore(_store.Directory).LastToken());
    }

    [Fact]
    public void Names_AreEscapedIntoFileNames_WithoutCollisions()
    {
        Assert.True(_store.Acquire("a/b", "x", "h", s_ttl).Succeeded);
        Assert.True(_store.Acquire("a%2Fb", "x", "h2", s_ttl).Succeeded);
        Assert.True(_store.Acquire("..", "x", "h3", s_ttl).Succeeded);
        Assert.Equal("h", _store.Get("a/b", "x")!.Holder);
        Assert.Equal("h2", _store.Get("a%2Fb", "x")!.Holder);
        Assert.All(Directory.GetFiles(_store.Directory), f => Assert.Equal(_store.Directory, Path.GetDirectoryName(f)));
    }

    [Fact]
    public void BadInput_AndAnUnreadableCounter_FailClosed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _store.Acquire("T", "p", "h", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => _store.Acquire("", "p", "h", s_ttl));

        _store.Acquire("T", "p", "h", s_ttl);
        File.WriteAllText(Path.Combine(_store.Directory, FileLeaseStore.CounterFileName), "garbage");
        var error = Assert.Throws<StorageException>(() => _store.Acquire("T", "q", "h", s_ttl));
        Assert.Contains("fencing counter", error.Message);
    }

    [Fact]
    public void ALostCounter_DoesNotReuseTheTokenOfALeaseOnDisk()
    {
        var held = _store.Acquire("T", "p", "alice", s_ttl).Lease!;
        _store.Acquire("T", "q", "alice", s_ttl);
        File.Delete(Path.Combine(_store.Directory, FileLeaseStore.CounterFileName));
        _clock.Advance(s_ttl);
        Assert.True(_store.Acquire("T", "p", "bob", s_ttl).Lease!.Token > held.Token);
    }

    // What a power cut can leave behind (a mock of the disk's state: the cut itself cannot be caused here).

    [Fact]
    public void ACounterSlotTornMidGrant_LeavesTheValueBeforeIt_AndTheNextGrantIsNewer()
    {
        for (int i = 0; i < 3; i++)
        {
            _store.Release(_store.Acquire("T", "p", "alice", s_ttl).Lease!);
        }

        string counter = Path.Combine(_store.Directory, FileLeaseStore.CounterFileName);
        byte[] bytes = File.ReadAllBytes(counter);
        Assert.Equal(60, bytes.Length);
        Assert.Equal(3, _store.LastToken());

        // The grant of token 4 writes the slot not holding 3; cut it off half-way.
        int free = System.Text.Encoding.ASCII.GetString(bytes, 0, 20) == "00000000000000000003" ? 30 : 0;
        "00000000000000000004 "u8.ToArray().AsSpan(0, 12).CopyTo(bytes.AsSpan(free));
        File.WriteAllBytes(counter, bytes);

        Assert.Equal(3, _store.LastToken());
        Assert.Equal(4, _store.Acquire("T", "p", "bob", s_ttl).Lease!.Token);
        Assert.Equal(4, new FileLeaseStore(_store.Directory).LastToken());
    }

    [Fact]
    public void BothCounterSlotsSpoilt_FailClosed()
    {
        _store.Acquire("T", "p", "alice", s_ttl);
        File.WriteAllBytes(Path.Combine(_store.Directory, FileLeaseStore.CounterFileName), new byte[60]);
        var error = Assert.Throws<StorageException>(() => _store.Acquire("T", "q", "h", s_ttl));
        Assert.Contains("fencing counter", error.Message);
    }

    [Fact]
    public void AnEmptyLeaseFile_LeftByAPowerCut_IsNoLease_AndTheNextGrantIsNewer()
    {
        var lost = _store.Acquire("T", "p", "alice", s_ttl).Lease!;
        string file = Assert.Single(Directory.GetFiles(_store.Directory, "*.lease"));
        File.WriteAllBytes(file, []);

        Assert.Null(_store.Get("T", "p"));
        var next = _store.Acquire("T", "p", "bob", s_ttl);
        Assert.Equal(LeaseStatus.Acquired, next.Status);
        Assert.True(next.Lease!.Token > lost.Token);
    }

    [Fact]
    public void ACounterInTheOneNumberFormat_IsContinued_AndRewrittenAsSlots()
    {
        Directory.CreateDirectory(_store.Directory);
        string counter = Path.Combine(_store.Directory, FileLeaseStore.CounterFileName);
        File.WriteAllText(counter, "41\n");
        Assert.Equal(42, _store.Acquire("T", "p", "alice", s_ttl).Lease!.Token);
        Assert.Equal(60, new FileInfo(counter).Length);
        Assert.Equal(43, _store.Acquire("T", "q", "alice", s_ttl).Lease!.Token);
        Assert.Equal(43, _store.LastToken());
    }
}
