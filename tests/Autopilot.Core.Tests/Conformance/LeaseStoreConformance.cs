using Autopilot.Core.Leases;

namespace Autopilot.Core.Tests.Conformance;

/// <summary>
/// What every lease store promises (files, PostgreSQL), run against each through a factory. Time is
/// the store's clock: a hand-moved clock for files, the database clock (real waits, short leases)
/// for PostgreSQL. File-only behaviour (names escaped into file names, the counter file) stays in
/// Leases/LeaseStoreTests.
/// </summary>
public abstract class LeaseStoreConformance
{
    private ILeaseStore? _store;

    /// <summary>A new store instance on the same leases (as another process would open it).</summary>
    protected abstract ILeaseStore OpenStore();

    /// <summary>The time to live the tests use (short where time is real).</summary>
    protected abstract TimeSpan Ttl { get; }

    /// <summary>Lets the store's clock move on by at least <paramref name="by"/>.</summary>
    protected abstract void Advance(TimeSpan by);

    protected ILeaseStore Store => _store ??= OpenStore();

    [SkippableFact]
    public void Contention_AnswersWithTheHolderAndItsExpiry()
    {
        var mine = Store.Acquire("T-1", "implement", "alice", Ttl);
        Assert.Equal(LeaseStatus.Acquired, mine.Status);
        Assert.True(mine.Lease!.Token > 0);
        Assert.Equal(Ttl, mine.Lease.ExpiresAt - mine.Lease.AcquiredAt);

        var theirs = OpenStore().Acquire("T-1", "implement", "bob", Ttl);
        Assert.Equal(LeaseStatus.Held, theirs.Status);
        Assert.Null(theirs.Lease);
        Assert.Equal("alice", theirs.Holder!.Holder);
        Assert.Equal(mine.Lease.Token, theirs.Holder.Token);
        Assert.Equal(mine.Lease.ExpiresAt, theirs.Holder.ExpiresAt);
        Assert.Contains("held by alice", theirs.Message);

        // Other phases and tasks are separate leases.
        Assert.True(Store.Acquire("T-1", "verify", "bob", Ttl).Succeeded);
        Assert.True(Store.Acquire("T-2", "implement", "bob", Ttl).Succeeded);
    }

    [SkippableFact]
    public void Renew_Release_AndTokensThatOnlyGrow_AcrossReleases()
    {
        var first = Store.Acquire("T-1", "plan", "alice", Ttl).Lease!;
        Advance(Ttl / 2);
        var renewed = Store.Renew(first, Ttl);
        Assert.Equal(LeaseStatus.Renewed, renewed.Status);
        Assert.Equal(first.Token, renewed.Lease!.Token);
        Assert.True(renewed.Lease.ExpiresAt > first.ExpiresAt);

        Assert.Equal(LeaseStatus.Released, Store.Release(first).Status);
        Assert.Null(Store.Get("T-1", "plan"));
        Assert.Equal(LeaseStatus.NotHeld, Store.Release(first).Status);
        Assert.Equal(LeaseStatus.NotHeld, Store.Renew(first, Ttl).Status);

        var second = Store.Acquire("T-1", "plan", "bob", Ttl).Lease!;
        Assert.True(second.Token > first.Token);

        // The counter is shared: a new store instance (another process) continues it, across tasks.
        Assert.True(OpenStore().Acquire("T-9", "spec", "carol", Ttl).Lease!.Token > second.Token);
    }

    [SkippableFact]
    public void AnExpiredLease_IsTakenOver_WithANewerToken_AndTheOldHolderIsFencedOut()
    {
        var old = Store.Acquire("T-1", "verify", "alice", Ttl).Lease!;
        Advance(Ttl);
        Assert.Equal(LeaseStatus.Expired, Store.Renew(old, Ttl).Status);

        var takeOver = OpenStore().Acquire("T-1", "verify", "bob", Ttl);
        Assert.Equal(LeaseStatus.TakenOver, takeOver.Status);
        Assert.Equal("alice", takeOver.Holder!.Holder);
        Assert.True(takeOver.Lease!.Token > old.Token);

        var late = Store.Release(old);
        Assert.Equal(LeaseStatus.NotHeld, late.Status);
        Assert.Equal("bob", late.Holder!.Holder);
        Assert.Equal("bob", Store.Get("T-1", "verify")!.Holder);
    }

    [SkippableFact]
    public void AcquiringWhatOneHolds_KeepsTheToken_AndExtends()
    {
        var first = Store.Acquire("T-1", "pr", "alice", Ttl).Lease!;
        Advance(Ttl / 4);
        var again = Store.Acquire("T-1", "pr", "alice", Ttl);
        Assert.Equal(LeaseStatus.Acquired, again.Status);
        Assert.Equal(first.Token, again.Lease!.Token);
        Assert.True(again.Lease.ExpiresAt > first.ExpiresAt);
    }

    [SkippableFact]
    public void BadInput_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Store.Acquire("T", "p", "h", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => Store.Acquire("", "p", "h", Ttl));
        Assert.Throws<ArgumentException>(() => Store.Acquire("T", "p", "", Ttl));
        Assert.Null(Store.Get("T", "p"));
    }
}
