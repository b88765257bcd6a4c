namespace Autopilot.Core.Attestation;

/// <summary>
/// One version of what was attested for a task and phase: subject name (a prompt, a header, a tool
/// description) → lower-case hex SHA-256. Version 1 is the recording; later versions are updates
/// and carry a <see cref="Reason"/>. <see cref="LedgerSequence"/> is the ledger entry that recorded it.
/// </summary>
public sealed record AttestationVersion(int Version, DateTimeOffset Time, string Actor, string? Reason, IReadOnlyDictionary<string, string> Subjects, long LedgerSequence);

/// <summary>All versions for one task and phase, oldest first; <see cref="Current"/> is the one checks compare against.</summary>
public sealed record AttestationRecord(string Task, string Phase, IReadOnlyList<AttestationVersion> Versions)
{
    public AttestationVersion Current => Versions[^1];
}

public enum DriftKind : byte
{
    /// <summary>The subject's hash differs from the recorded one.</summary>
    Changed,

    /// <summary>A recorded subject is absent now.</summary>
    Missing,

    /// <summary>A subject is present now that was never recorded.</summary>
    Added,
}

/// <summary>One subject that no longer matches. Hashes are null where a side has none.</summary>
public sealed record SubjectDrift(string Subject, DriftKind Kind, string? Expected, string? Actual)
{
    public override string ToString() => Kind switch
    {
        DriftKind.Changed => $"{Subject}: changed (recorded {Expected![..12]}…, now {Actual![..12]}…)",
        DriftKind.Missing => $"{Subject}: recorded but missing now",
        _ => $"{Subject}: present but never recorded",
    };
}

/// <summary>
/// The facts of a check; how serious drift is in this phase is the policy's business (the caller maps
/// it). <see cref="Recorded"/> is false when nothing was ever attested for the task and phase.
/// </summary>
public sealed record AttestationCheckResult(string Task, string Phase, bool Recorded, int? Version, IReadOnlyList<SubjectDrift> Drift)
{
    public bool HasDrift => Drift.Count > 0;
}

/// <summary>A misuse the store refuses: recording twice with different hashes, updating what was never recorded.</summary>
public sealed class AttestationException(string message) : Exception(message);
