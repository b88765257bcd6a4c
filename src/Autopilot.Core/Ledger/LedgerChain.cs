using Autopilot.Core.Storage;

namespace Autopilot.Core.Ledger;

/// <summary>
/// The in-memory end of the chain: the last sequence number and hash. <see cref="Append"/> turns a
/// draft into the next entry and its line without touching the disk (the part of an append that is
/// pure computation: canonical form + SHA-256).
/// </summary>
internal sealed class LedgerChain
{
    public LedgerChain(long lastSequence = 0, string lastHash = LedgerEntry.GenesisHash)
    {
        LastSequence = lastSequence;
        LastHash = lastHash;
    }

    public long LastSequence { get; private set; }

    public string LastHash { get; private set; }

    /// <summary>Writes the next entry's line (with its newline) to <paramref name="output"/> and advances the chain.</summary>
    public LedgerEntry Append(LedgerAppend draft, DateTimeOffset time, ByteBuffer output)
    {
        long sequence = LastSequence + 1;
        string prevHash = LastHash;
        string hash = LedgerEntryCodec.WriteLine(draft, sequence, time, prevHash, output);
        LastSequence = sequence;
        LastHash = hash;
        return new LedgerEntry
        {
            Sequence = sequence,
            Time = time,
            Actor = draft.Actor,
            Kind = draft.Kind,
            Task = draft.Task,
            FromPhase = draft.FromPhase,
            ToPhase = draft.ToPhase,
            Verdict = draft.Verdict,
            RuleIds = draft.RuleIds,
            PolicyHash = draft.PolicyHash,
            Evidence = draft.Evidence,
            IdempotencyKey = draft.IdempotencyKey,
            Details = draft.Details,
            PrevHash = prevHash,
            Hash = hash,
        };
    }

    /// <summary>Moves the chain's end to an entry read from disk (written by another process, or at open).</summary>
    public void Reset(long lastSequence, string lastHash)
    {
        LastSequence = lastSequence;
        LastHash = lastHash;
    }
}
