using Autopilot.Core.Storage;

namespace Autopilot.Core.Ledger;

/// <summary>
/// The ledger holds something the store will not append after: an unreadable whole line, a break in
/// the sequence or the chain, or fewer entries than head.json promises. Appending is refused (fail
/// closed) until a person looks; <see cref="LedgerVerifier"/> gives the full diagnosis.
/// </summary>
public sealed class LedgerCorruptException : StorageException
{
    public LedgerCorruptException(string message, string path, long lineNumber, long? sequence, Exception? inner = null)
        : base(message, path, inner)
    {
        LineNumber = lineNumber;
        Sequence = sequence;
    }

    /// <summary>1-based line of the first bad entry; 0 when the problem is not a line (e.g. a missing tail).</summary>
    public long LineNumber { get; }

    public long? Sequence { get; }
}
