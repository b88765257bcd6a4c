namespace Autopilot.Core.Leases;

/// <summary>
/// Leases per task and phase. Files on one disk by default (<see cref="FileLeaseStore"/>); a database
/// for fleets later (docs/distributed.md). Every operation is atomic with respect to all processes
/// sharing the store. Time comes from the store's clock, never from the caller.
/// </summary>
public interface ILeaseStore
{
    /// <summary>Acquires the lease if it is free or expired; answers <see cref="LeaseStatus.Held"/> with the holder otherwise.</summary>
    LeaseResult Acquire(string task, string phase, string holder, TimeSpan timeToLive);

    /// <summary>Extends a lease the caller still holds (same token) to now + <paramref name="timeToLive"/>.</summary>
    LeaseResult Renew(Lease lease, TimeSpan timeToLive);

    /// <summary>Gives the lease up if the caller still holds it (same token). The fencing counter is kept.</summary>
    LeaseResult Release(Lease lease);

    /// <summary>The recorded lease for the task and phase, expired or not; null when none.</summary>
    Lease? Get(string task, string phase);
}
