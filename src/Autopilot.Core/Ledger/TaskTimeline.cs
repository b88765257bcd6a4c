namespace Autopilot.Core.Ledger;

/// <summary>A task's history rebuilt from the ledger.</summary>
/// <param name="CurrentPhase">The phase of the last allowed transition or backtrack; null before the first.</param>
/// <param name="Phases">Each phase entered, in order (a phase entered again after a backtrack appears again).</param>
/// <param name="Entries">All of the task's entries, in order.</param>
public sealed record TaskTimeline(
    string Task,
    string? CurrentPhase,
    IReadOnlyList<PhaseVisit> Phases,
    IReadOnlyList<LedgerEntry> Backtracks,
    IReadOnlyList<LedgerEntry> Denied,
    IReadOnlyList<LedgerEntry> Escalations,
    IReadOnlyList<LedgerEntry> Attestations,
    IReadOnlyList<EvidenceRecord> Evidence,
    IReadOnlyList<LedgerEntry> Entries);

/// <summary>A stay in one phase. <see cref="LeftAt"/> is null while the task is still there.</summary>
public sealed record PhaseVisit(string Phase, DateTimeOffset EnteredAt, DateTimeOffset? LeftAt, bool ViaBacktrack, long Sequence)
{
    /// <summary>How long the task stayed; for the current phase, measured up to <paramref name="now"/>.</summary>
    public TimeSpan Duration(DateTimeOffset now) => (LeftAt ?? now) - EnteredAt;

    /// <summary>Null while the task is still in the phase.</summary>
    public TimeSpan? ClosedDuration => LeftAt - EnteredAt;
}

/// <summary>An evidence file named in an entry, with its hash. <see cref="Phase"/> is the phase being left (the one that produced it).</summary>
public sealed record EvidenceRecord(string? Phase, string Name, string Sha256, long Sequence, DateTimeOffset Time);
