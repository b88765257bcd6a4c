using System.Text.Json;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Ledger;

public enum LedgerProblemKind : byte
{
    /// <summary>A whole line is not a readable entry.</summary>
    Unreadable,

    /// <summary>The entry's content no longer matches its hash: it was edited.</summary>
    Edited,

    /// <summary>The sequence skips ahead: entries before this one were deleted.</summary>
    Missing,

    /// <summary>The sequence goes back or repeats: entries were moved or copied.</summary>
    Reordered,

    /// <summary>The entry's prevHash is not the previous entry's hash (deleted, reordered or rewritten entries).</summary>
    ChainBroken,

    /// <summary>The ledger ends before its anchor (head.json or the expected head hash): entries were cut off the end.</summary>
    Truncated,

    /// <summary>The anchor names an entry whose hash differs: the ledger was rewritten from there on.</summary>
    HeadMismatch,
}

/// <summary>The first bad place in a ledger. <see cref="LineNumber"/> is 1-based; 0 when the problem is the missing end.</summary>
public sealed record LedgerProblem(LedgerProblemKind Kind, long? Sequence, long LineNumber, string Message)
{
    public override string ToString() => Message;
}

/// <param name="Problem">The first problem found; null when the ledger verifies.</param>
/// <param name="EntryCount">Whole entries read (up to the problem, if any).</param>
/// <param name="Head">The last verified entry's sequence and hash (the value to keep as an external checkpoint).</param>
/// <param name="TornTailBytes">A partial last line left by a crash not yet recovered (not an error: it was never acknowledged).</param>
/// <param name="Warnings">Things worth saying that do not fail verification (no head.json, a lagging head, a torn tail).</param>
public sealed record LedgerVerification(LedgerProblem? Problem, long EntryCount, LedgerHead Head, long TornTailBytes, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Problem is null;
}

/// <summary>
/// Checks a ledger end to end: every line parses, every hash matches the entry's canonical form,
/// sequences run 1, 2, 3… and each prevHash is the previous hash. That catches edits, deletions and
/// reordering inside the file. Cutting entries off the end leaves a valid shorter chain, so the end
/// is checked against an anchor: head.json, and (stronger, because it lives elsewhere) a head hash
/// recorded earlier and passed as <c>expectHead</c>.
/// </summary>
public static class LedgerVerifier
{
    public static LedgerVerification Verify(string directory, string? expectHead = null)
    {
        string path = Path.Combine(directory, FileLedgerStore.LedgerFileName);
        var warnings = new List<string>();
        var headFile = ReadHeadFile(directory, warnings);
        var check = new ChainCheck(expectHead, headFile?.Sequence);

        long tornBytes = 0;
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            warnings.Add($"no ledger at '{path}'");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot read the ledger '{path}': {ex.Message}", path, ex);
        }

        if (handle is not null)
        {
            using (handle)
            {
                long length = RandomAccess.GetLength(handle);
                long tail = LedgerLineScanner.Scan(handle, 0, length, (line, _) => check.Add(line));
                tornBytes = check.Problem is null ? length - tail : 0;
            }
        }

        if (tornBytes > 0)
        {
            warnings.Add($"{path}:{check.Count + 1}: a torn last line of {tornBytes} bytes (an append that never completed); the next writer cuts it");
        }

        return check.Finish(path, headFile, FileLedgerStore.HeadFileName, tornBytes, warnings);
    }

    /// <summary>
    /// Verifies a ledger held elsewhere (a database): <paramref name="lines"/> are the stored lines in
    /// sequence order, <paramref name="anchor"/> the recorded head (null when there is none).
    /// </summary>
    public static LedgerVerification VerifyLines(IEnumerable<ReadOnlyMemory<byte>> lines, string source, LedgerHead? anchor, string anchorName, string? expectHead = null)
    {
        var check = new ChainCheck(expectHead, anchor?.Sequence);
        foreach (var line in lines)
        {
            check.Add(line);
            if (check.Problem is not null)
            {
                break;
            }
        }

        return check.Finish(source, anchor, anchorName, 0, []);
    }

    /// <summary>The chain so far: feed it whole lines in order, then ask for the verdict against an anchor.</summary>
    private sealed class ChainCheck
    {
        private readonly string? _expectHead;
        private readonly long? _anchorSequence;
        private readonly ByteBuffer _scratch = new(1024);
        private string? _anchorHash;
        private bool _expectedSeen;
        private string _lastHash = LedgerEntry.GenesisHash;
        private long _lastSequence;

        public ChainCheck(string? expectHead, long? anchorSequence)
        {
            if (expectHead is not null && !DurableFile.IsSha256Hex(expectHead))
            {
                throw new ArgumentException($"the expected head must be 64 lower-case hex digits, got '{expectHead}'", nameof(expectHead));
            }

            _expectHead = expectHead;
            _expectedSeen = expectHead is null;
            _anchorSequence = anchorSequence;
        }

        public LedgerProblem? Problem { get; private set; }

        public long Count { get; private set; }

        public void Add(ReadOnlyMemory<byte> line)
        {
            if (Problem is not null)
            {
                return;
            }

            long lineNumber = Count + 1;
            Problem = CheckLine(line, lineNumber, _lastSequence, _lastHash, _scratch, out var sequence, out var hash);
            if (Problem is null)
            {
                Count = lineNumber;
                _lastSequence = sequence;
                _lastHash = hash;
                _expectedSeen |= hash == _expectHead;
                if (sequence == _anchorSequence)
                {
                    _anchorHash = hash;
                }
            }
        }

        public LedgerVerification Finish(string path, LedgerHead? anchor, string anchorName, long tornBytes, List<string> warnings)
        {
            var problem = Problem;
            if (problem is null && anchor is not null)
            {
                if (anchor.Sequence > _lastSequence)
                {
                    problem = new LedgerProblem(LedgerProblemKind.Truncated, _lastSequence + 1, 0,
                        $"{path}: the ledger ends at sequence {_lastSequence} but {anchorName} records sequence {anchor.Sequence}: entries {_lastSequence + 1}..{anchor.Sequence} were cut off the end");
                }
                else if (anchor.Sequence > 0 && _anchorHash != anchor.Hash)
                {
                    problem = new LedgerProblem(LedgerProblemKind.HeadMismatch, anchor.Sequence, anchor.Sequence,
                        $"{path}:{anchor.Sequence}: entry {anchor.Sequence} does not have the hash {anchorName} records ({anchor.Hash[..12]}…): the ledger was rewritten");
                }
                else if (anchor.Sequence < _lastSequence)
                {
                    warnings.Add($"{anchorName} lags the ledger (sequence {anchor.Sequence} of {_lastSequence}): a writer stopped between its fsync and the head update");
                }
            }

            if (problem is null && !_expectedSeen)
            {
                problem = new LedgerProblem(LedgerProblemKind.Truncated, null, 0,
                    $"{path}: no entry has the expected head hash {_expectHead![..12]}…: the ledger was cut or rewritten since that checkpoint (it now ends at sequence {_lastSequence})");
            }

            return new LedgerVerification(problem, Count, new LedgerHead(_lastSequence, _lastHash), tornBytes, warnings);
        }
    }

    private static LedgerProblem? CheckLine(ReadOnlyMemory<byte> line, long lineNumber, long lastSequence, string lastHash, ByteBuffer scratch, out long sequence, out string hash)
    {
        sequence = 0;
        hash = "";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return new LedgerProblem(LedgerProblemKind.Unreadable, null, lineNumber, $"line {lineNumber}: not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            LedgerEntry entry;
            try
            {
                entry = LedgerEntryCodec.FromElement(root);
            }
            catch (FormatException ex)
            {
                return new LedgerProblem(LedgerProblemKind.Unreadable, null, lineNumber, $"line {lineNumber}: not a ledger entry: {ex.Message}");
            }

            sequence = entry.Sequence;
            hash = entry.Hash;
            string actual;
            try
            {
                actual = LedgerCanonicalForm.ComputeHash(root, scratch);
            }
            catch (InvalidOperationException ex)
            {
                // A string the JSON reader cannot decode (an escaped lone surrogate): never written by us.
                return new LedgerProblem(LedgerProblemKind.Unreadable, entry.Sequence, lineNumber, $"line {lineNumber}: undecodable text ({ex.Message})");
            }

            if (actual != entry.Hash)
            {
                return new LedgerProblem(LedgerProblemKind.Edited, entry.Sequence, lineNumber,
                    $"line {lineNumber}, sequence {entry.Sequence}: the content does not match its hash (recorded {entry.Hash[..12]}…, computed {actual[..12]}…): the entry was edited");
            }

            if (entry.Sequence > lastSequence + 1)
            {
                return new LedgerProblem(LedgerProblemKind.Missing, entry.Sequence, lineNumber,
                    $"line {lineNumber}, sequence {entry.Sequence}: expected sequence {lastSequence + 1}: entries {lastSequence + 1}..{entry.Sequence - 1} are missing (deleted or moved)");
            }

            if (entry.Sequence <= lastSequence)
            {
                return new LedgerProblem(LedgerProblemKind.Reordered, entry.Sequence, lineNumber,
                    $"line {lineNumber}, sequence {entry.Sequence}: expected sequence {lastSequence + 1}: entries are out of order or repeated");
            }

            if (entry.PrevHash != lastHash)
            {
                return new LedgerProblem(LedgerProblemKind.ChainBroken, entry.Sequence, lineNumber,
                    $"line {lineNumber}, sequence {entry.Sequence}: prevHash {entry.PrevHash[..Math.Min(12, entry.PrevHash.Length)]}… is not the previous entry's hash {lastHash[..12]}…: the entry before it was replaced or rewritten");
            }

            return null;
        }
    }

    private static LedgerHead? ReadHeadFile(string directory, List<string> warnings)
    {
        // The verifier takes no lock (it must work on a read-only copy), so a writer may be
        // rewriting head.json while it is read: read until two reads agree.
        string path = Path.Combine(directory, FileLedgerStore.HeadFileName);
        byte[]? bytes = DurableFile.ReadAllBytesOrNull(path);
        for (int attempt = 0; attempt < 5 && bytes is not null; attempt++)
        {
            byte[]? again = DurableFile.ReadAllBytesOrNull(path);
            if (again is not null && again.AsSpan().SequenceEqual(bytes))
            {
                break;
            }

            bytes = again;
        }
        if (bytes is null)
        {
            warnings.Add($"no {FileLedgerStore.HeadFileName}: truncation of the end cannot be detected without --expect-head");
            return null;
        }

        var head = LedgerHead.TryParse(bytes);
        if (head is null)
        {
            warnings.Add($"{path} is unreadable: truncation of the end cannot be detected without --expect-head");
        }

        return head;
    }
}
