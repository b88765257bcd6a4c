namespace Autopilot.Core.Leases;

/// <summary>
/// A time-limited right to work on one phase of one task. <see cref="Token"/> is the fencing token:
/// every grant gets a larger one than any before it, so a resource that remembers the largest token
/// it has seen can refuse a holder whose lease was taken over while it stalled.
/// </summary>
public sealed record Lease(string Task, string Phase, string Holder, long Token, DateTimeOffset AcquiredAt, DateTimeOffset ExpiresAt)
{
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}

public enum LeaseStatus : byte
{
    /// <summary>The lease was free and is now the caller's (or the caller already held it: same token, new expiry).</summary>
    Acquired,

    /// <summary>The previous holder's lease had expired; it is now the caller's with a new token (<see cref="LeaseResult.Holder"/> is the previous one).</summary>
    TakenOver,

    Renewed,

    Released,

    /// <summary>Someone else holds it and it has not expired: <see cref="LeaseResult.Holder"/> says who and until when.</summary>
    Held,

    /// <summary>Renew or release of a lease the caller no longer holds (released, or taken over with a newer token).</summary>
    NotHeld,

    /// <summary>Renew after the expiry: the caller must acquire again (and gets a new token).</summary>
    Expired,
}

/// <param name="Lease">The caller's lease after the operation (null when it holds none).</param>
/// <param name="Holder">On <see cref="LeaseStatus.Held"/> the current holder; on <see cref="LeaseStatus.TakenOver"/> the expired previous holder; on NotHeld whoever holds it now, if anyone.</param>
/// <param name="Message">One line a person can act on.</param>
public sealed record LeaseResult(LeaseStatus Status, Lease? Lease, Lease? Holder, string Message)
{
    public bool Succeeded => Status is LeaseStatus.Acquired or LeaseStatus.TakenOver or LeaseStatus.Renewed or LeaseStatus.Released;

    public override string ToString() => Message;
}

/// <summary>What every lease store checks and answers the same way.</summary>
internal static class LeaseRules
{
    public static void Validate(string task, string phase, string holder, TimeSpan timeToLive)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        if (timeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "a lease needs a positive time to live");
        }
    }

    public static LeaseResult NotHeld(Lease lease, Lease? current) => new(LeaseStatus.NotHeld, null, current, current is null
        ? $"{lease.Holder} does not hold {lease.Task}/{lease.Phase} (token {lease.Token}): it was released"
        : $"{lease.Holder} does not hold {lease.Task}/{lease.Phase} (token {lease.Token}): {current.Holder} holds it with token {current.Token}");

    public static LeaseResult Held(Lease current) => new(LeaseStatus.Held, null, current,
        $"{current.Task}/{current.Phase} is held by {current.Holder} (token {current.Token}) until {current.ExpiresAt:O}");

    public static LeaseResult Expired(Lease lease, Lease current) => new(LeaseStatus.Expired, null, current,
        $"{lease.Holder}'s lease on {lease.Task}/{lease.Phase} (token {lease.Token}) expired at {current.ExpiresAt:O}; acquire it again");

    public static LeaseResult Renewed(Lease renewed) => new(LeaseStatus.Renewed, renewed, null,
        $"{renewed.Holder} renewed {renewed.Task}/{renewed.Phase} (token {renewed.Token}) until {renewed.ExpiresAt:O}");

    public static LeaseResult Released(Lease lease) => new(LeaseStatus.Released, null, null,
        $"{lease.Holder} released {lease.Task}/{lease.Phase} (token {lease.Token})");

    public static LeaseResult Granted(Lease lease, Lease? expired) => expired is null
        ? new LeaseResult(LeaseStatus.Acquired, lease, null, $"{lease.Holder} acquired {lease.Task}/{lease.Phase} with token {lease.Token} until {lease.ExpiresAt:O}")
        : new LeaseResult(LeaseStatus.TakenOver, lease, expired,
            $"{lease.Holder} took over {lease.Task}/{lease.Phase} with token {lease.Token}: {expired.Holder}'s lease (token {expired.Token}) expired at {expired.ExpiresAt:O}");

    public static LeaseResult Extended(Lease extended) => new(LeaseStatus.Acquired, extended, null,
        $"{extended.Holder} already held {extended.Task}/{extended.Phase} (token {extended.Token}); extended to {extended.ExpiresAt:O}");
}
