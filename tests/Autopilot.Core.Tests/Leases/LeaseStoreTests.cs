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
    public void Contention_AnswersWithTheHolderAndItsExpiry()
    {
        var mine = _store.Acquire("T-1", "implement", "alice", s_ttl);
        Assert.Equal(LeaseStatus.Acquired, mine.Status);
        Assert.Equal(1, mine.Lease!.Token);
        Assert.Equal(_clock.GetUtcNow() + s_ttl, mine.Lease.ExpiresAt);

        var theirs = _store.Acquire("T-1", "implement", "bob", s_ttl);
        Assert.Equal(LeaseStatus.Held, theirs.Status);
        Assert.Null(theirs.Lease);
        Assert.Equal("alice", theirs.Holder!.Holder);
        Assert.Equal(mine.Lease.ExpiresAt, theirs.Holder.ExpiresAt);
        Assert.Contains("held by alice", theirs.Message);

        // Other phases and tasks are separate leases.
        Assert.True(_store.Acquire("T-1", "verify", "bob", s_ttl).Succeeded);
        Assert.True(_store.Acquire("T-2", "implement", "bob", s_ttl).Succeeded);
    }

    [Fact]
    public void Renew_Release_AndTokensThatOnlyGrow_AcrossReleases()
    {
        var first = _store.Acquire("T-1", "plan", "alice", s_ttl).Lease!;
        _clock.Advance(TimeSpan.FromSeconds(30));
        var renewed = _store.Renew(first, s_ttl);
        Assert.Equal(LeaseStatus.Renewed, renewed.Status);
        Assert.Equal(first.Token, renewed.Lease!.Token);
        Assert.Equal(_clock.GetUtcNow() + s_ttl, renewed.Lease.ExpiresAt);

        Assert.Equal(LeaseStatus.Released, _store.Release(first).Status);
        Assert.Null(_store.Get("T-1", "plan"));
        Assert.Equal(LeaseStatus.NotHeld, _store.Release(first).Status);
        Assert.Equal(LeaseStatus.NotHeld, _store.Renew(first, s_ttl).Status);

        var second = _store.Acquire("T-1", "plan", "bob", s_ttl).Lease!;
        Assert.True(second.Token > first.Token);
        Assert.Equal(second.Token, _store.LastToken());

        // The counter is shared by the folder: a new store instance (another process) continues it.
        var other = new FileLeaseStore(_store.Directory, new LeaseOptions { TimeProvider = _clock });
        Assert.True(other.Acquire("T-9", "spec", "carol", s_ttl).Lease!.Token > second.Token);
    }

    [Fact]
    public void AnExpiredLease_IsTakenOver_WithANewerToken_AndTheOldHolderIsFencedOut()
    {
        var old = _store.Acquire("T-1", "verify", "alice", s_ttl).Lease!;
        _clock.Advance(s_ttl);
        Assert.Equal(LeaseStatus.Expired, _store.Renew(old, s_ttl).Status);

        var takeOver = _store.Acquire("T-1", "verify", "bob", s_ttl);
        Assert.Equal(LeaseStatus.TakenOver, takeOver.Status);
        Assert.Equal("alice", takeOver.Holder!.Holder);
        Assert.True(takeOver.Lease!.Token > old.Token);

        var late = _store.Release(old);
        Assert.Equal(LeaseStatus.NotHeld, late.Status);
        Assert.Equal("bob", late.Holder!.Holder);
        Assert.Equal("bob", _store.Get("T-1", "verify")!.Holder);
    }

    [Fact]
    public void AcquiringWhatOneHolds_KeepsTheToken_AndExtends()
    {
        var first = _store.Acquire("T-1", "pr", "alice", s_ttl).Lease!;
        _clock.Advance(TimeSpan.FromSeconds(10));
        var again = _store.Acquire("T-1", "pr", "alice", s_ttl);
        Assert.Equal(LeaseStatus.Acquired, again.Status);
        Assert.Equal(first.Token, again.Lease!.Token);
        Assert.True(again.Lease.ExpiresAt > first.ExpiresAt);
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
}
