namespace Autopilot.Core.Ledger;

/// <summary>
/// The ledger's storage: files on one disk by default (<see cref="FileLedgerStore"/>); a database
/// for fleets later (docs/distributed.md). Implementations are safe for many threads and processes.
/// </summary>
public interface ILedgerStore : IDisposable
{
    /// <summary>
    /// Appends one entry and returns it once it is durable (on disk, fsynced). An append whose
    /// idempotency key is already recorded writes nothing and returns the first entry with that key
    /// (<see cref="LedgerAppendResult.Duplicate"/> is true). Throws <see cref="Storage.StorageException"/>
    /// when the entry could not be made durable; nothing was acknowledged then.
    /// </summary>
    LedgerAppendResult Append(LedgerAppend entry);

    /// <summary>Every whole entry, in order. A partial last line (a writer mid-append or a crash) is left out.</summary>
    IReadOnlyList<LedgerEntry> ReadAll();

    /// <summary>The last committed entry's sequence and hash as this store last saw them.</summary>
    LedgerHead Head { get; }

    /// <summary>What the store repaired since it was opened (torn tails cut, head rewritten), oldest first.</summary>
    IReadOnlyList<LedgerRecovery> Recoveries { get; }
}

/// <param name="Entry">The recorded entry: the new one, or the first with the same idempotency key.</param>
/// <param name="Duplicate">True when the key was already recorded and nothing was written.</param>
public readonly record struct LedgerAppendResult(LedgerEntry Entry, bool Duplicate);
