namespace Autopilot.Core.Ledger;

public enum LedgerRecoveryKind : byte
{
    /// <summary>A partial last line (a writer died mid-append, so it was never acknowledged) was cut off.</summary>
    TornTailCut,

    /// <summary>head.json was missing or unreadable and was written again from the ledger.</summary>
    HeadRewritten,
}

/// <summary>
/// Something the store repaired when it opened or took the lock, for the caller to print.
/// <see cref="LineNumber"/> is 1-based; <see cref="LastSequence"/> is the last whole entry kept.
/// </summary>
public sealed record LedgerRecovery(LedgerRecoveryKind Kind, long LineNumber, long Offset, long BytesCut, long LastSequence, string Message)
{
    public override string ToString() => Message;
}
