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
