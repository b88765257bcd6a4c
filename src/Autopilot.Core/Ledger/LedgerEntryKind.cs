namespace Autopilot.Core.Ledger;

/// <summary>What an entry records. Written lower-case in the file (<see cref="LedgerEntryKindExtensions.ToWire"/>).</summary>
public enum LedgerEntryKind : byte
{
    Transition,
    Backtrack,
    Denied,
    Escalation,
    Attestation,
    Lease,
    Other,

    /// <summary>A decision-log record (issue 14): a decision that no other entry records, with the facts it read (<see cref="DecisionLog"/>).</summary>
    Decision,
}

public static class LedgerEntryKindExtensions
{
    public static string ToWire(this LedgerEntryKind kind) => kind switch
    {
        LedgerEntryKind.Transition => "transition",
        LedgerEntryKind.Backtrack => "backtrack",
        LedgerEntryKind.Denied => "denied",
        LedgerEntryKind.Escalation => "escalation",
        LedgerEntryKind.Attestation => "attestation",
        LedgerEntryKind.Lease => "lease",
        LedgerEntryKind.Decision => "decision",
        _ => "other",
    };

    public static bool TryParse(string? wire, out LedgerEntryKind kind)
    {
        kind = wire switch
        {
            "transition" => LedgerEntryKind.Transition,
            "backtrack" => LedgerEntryKind.Backtrack,
            "denied" => LedgerEntryKind.Denied,
            "escalation" => LedgerEntryKind.Escalation,
            "attestation" => LedgerEntryKind.Attestation,
            "lease" => LedgerEntryKind.Lease,
            "other" => LedgerEntryKind.Other,
            "decision" => LedgerEntryKind.Decision,
            _ => (LedgerEntryKind)255,
        };
        return (byte)kind != 255;
    }
}
