namespace Autopilot.Core.Attestation;

/// <summary>
/// Recorded prompt/header hashes per task and phase, with versioned updates. Files by default
/// (<see cref="FileAttestationStore"/>); every record and update is also written to the ledger.
/// </summary>
public interface IAttestationStore
{
    AttestationRecord? Get(string task, string phase);

    /// <summary>
    /// Records version 1. Recording the same hashes again returns the existing version; different
    /// hashes throw <see cref="AttestationException"/> (that is an update, which needs a reason).
    /// </summary>
    AttestationVersion Record(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor);

    /// <summary>Adds the next version; <paramref name="reason"/> is required. Throws <see cref="AttestationException"/> when nothing was recorded yet.</summary>
    AttestationVersion Update(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor, string reason);

    /// <summary>Compares the current hashes with the latest recorded version.</summary>
    AttestationCheckResult Check(string task, string phase, IReadOnlyDictionary<string, string> current);
}
