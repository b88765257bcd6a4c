using Autopilot.Core.Storage;
using Microsoft.Win32.SafeHandles;

namespace Autopilot.Core.Ledger;

/// <summary>
/// The ledger as files in one folder: <c>ledger.jsonl</c> (one entry per line, hash-chained),
/// <c>head.json</c> (the anchor, see <see cref="LedgerHead"/>) and <c>.lock</c> (see <see cref="FileLock"/>).
/// </summary>
/// <remarks>
/// <para>Group commit: appends from many threads queue up; one of them (the leader) takes the file
/// lock, writes the whole queue with one write and one fsync, releases the lock and wakes the others.
/// While it waits on the disk the next batch collects, so throughput grows with load.</para>
/// <para>Several processes: every batch runs under the lock, first reading what other processes
/// appended since this one last looked (their sequence numbers, hashes and idempotency keys), so
/// the chain continues from the true end. The files stay open between batches; only the lock is
/// taken and dropped per batch.</para>
/// <para>Crashes: a batch is one write at the end of the file, so a writer killed mid-write leaves at
/// most one partial last line. Whoever takes the lock next cuts it off (it was never acknowledged)
/// and reports a <see cref="LedgerRecovery"/>.</para>
/// </remarks>
public sealed class FileLedgerStore : ILedgerStore
{
    public const string LedgerFileName = "ledger.jsonl";
    public const string HeadFileName = "head.json";
    public const string LockFileName = ".lock";

    private readonly LedgerGroupCommit _group;
    private readonly object _gate;
    private readonly LedgerOptions _options;
    private readonly string _lockPath;
    private readonly SafeFileHandle _data;
    private readonly SafeFileHandle _head;
    private readonly List<LedgerRecovery> _recoveries = [];

    // Owned by the committing thread (the one that set _committing), or by Open.
    private readonly LedgerChain _chain = new();
    private readonly Dictionary<string, LedgerEntry> _byKey = new(StringComparer.Ordinal);
    private readonly ByteBuffer _batch = new(8 * 1024);
    private long _endOffset;
    private long _lineCount;
    private LedgerHead _lastHead = LedgerHead.Empty;

    private FileLedgerStore(string directory, LedgerOptions options, SafeFileHandle data, SafeFileHandle head)
    {
        Directory = directory;
        LedgerPath = Path.Combine(directory, LedgerFileName);
        HeadPath = Path.Combine(directory, HeadFileName);
        _lockPath = Path.Combine(directory, LockFileName);
        _options = options;
        _data = data;
        _head = head;
        _group = new LedgerGroupCommit(CommitBatch);
        _gate = _group.Gate;
    }

    public string Directory { get; }

    /// <summary>Batches written by this store (each one write and one fsync); fewer than appends under load.</summary>
    internal long CommitCount { get; private set; }

    public string LedgerPath { get; }

    public string HeadPath { get; }

    public LedgerHead Head
    {
        get
        {
            lock (_gate)
            {
                return _lastHead;
            }
        }
    }

    public IReadOnlyList<LedgerRecovery> Recoveries
    {
        get
        {
            lock (_recoveries)
            {
                return _recoveries.ToArray();
            }
        }
    }

    /// <summary>
    /// Opens (creating if needed) the ledger in <paramref name="directory"/> for appending: takes the
    /// lock, reads the ledger, cuts a torn last line and checks it against head.json. Throws
    /// <see cref="StorageException"/> when the folder cannot be written (read-only file system, a file
    /// where the folder should be, no space) and <see cref="LedgerCorruptException"/> when the ledger
    /// is damaged in a way only a person should repair.
    /// </summary>
    public static FileLedgerStore Open(string directory, LedgerOptions? options = null)
    {
        options ??= LedgerOptions.Default;
        directory = Path.GetFullPath(directory);
        DurableFile.EnsureDirectory(directory);

        string lockPath = Path.Combine(directory, LockFileName);
        using var fileLock = FileLock.Acquire(lockPath, options.LockTimeout);
        SafeFileHandle? data = null;
        SafeFileHandle? head = null;
        try
        {
            data = OpenHandle(Path.Combine(directory, LedgerFileName));
            head = OpenHandle(Path.Combine(directory, HeadFileName));
            var store = new FileLedgerStore(directory, options, data, head);
            store.LoadUnderLock();
            return store;
        }
        catch
        {
            data?.Dispose();
            head?.Dispose();
            throw;
        }
    }

    private static SafeFileHandle OpenHandle(string path)
    {
        try
        {
            // Shared mode: the exclusive lock is the .lock file, so readers and other writers may open these.
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot open '{path}' for appending: {ex.Message}", path, ex);
        }
    }

    public LedgerAppendResult Append(LedgerAppend entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Validate();
        return _group.Append(entry, this);
    }

    public IReadOnlyList<LedgerEntry> ReadAll() => LedgerReader.ReadEntries(Directory).Entries;

    private void CommitBatch(List<LedgerGroupCommit.PendingAppend> batch)
    {
        long previousSequence = _chain.LastSequence;
        string previousHash = _chain.LastHash;
        List<string>? addedKeys = null;
        bool synced = false;
        try
        {
            using var fileLock = FileLock.Acquire(_lockPath, _options.LockTimeout);
            SyncTail();
            synced = true;
            previousSequence = _chain.LastSequence;
            previousHash = _chain.LastHash;

            _batch.Clear();
            int written = 0;
            var time = _options.TimeProvider.GetUtcNow().ToUniversalTime();
            foreach (var pending in batch)
            {
                string? key = pending.Draft.IdempotencyKey;
                if (key is not null && _byKey.TryGetValue(key, out var first))
                {
                    pending.Entry = first;
                    pending.Duplicate = true;
                    continue;
                }

                pending.Entry = _chain.Append(pending.Draft, time, _batch);
                written++;
                if (key is not null)
                {
                    _byKey[key] = pending.Entry;
                    (addedKeys ??= []).Add(key);
                }
            }

            if (written > 0)
            {
                WriteDurably(_batch.WrittenSpan);
                CommitCount++;
                _endOffset += _batch.Length;
                _lineCount += written;
                WriteHead(new LedgerHead(_chain.LastSequence, _chain.LastHash));
            }
        }
        catch (Exception ex)
        {
            // Nothing in this batch is acknowledged: forget what it would have added. (Before the
            // sync finished, the chain and the offsets moved together line by line: nothing to undo.)
            if (synced)
            {
                _chain.Reset(previousSequence, previousHash);
            }

            if (addedKeys is not null)
            {
                foreach (var key in addedKeys)
                {
                    _byKey.Remove(key);
                }
            }

            LedgerGroupCommit.Fail(batch, ex is StorageException or ArgumentException ? ex : new StorageException($"ledger append failed: {ex.Message}", LedgerPath, ex));
        }
    }

    /// <summary>One write at the end, then fsync. On failure the bytes are cut back (best effort; a later SyncTail cuts what remains).</summary>
    private void WriteDurably(ReadOnlySpan<byte> bytes)
    {
        try
        {
            RandomAccess.Write(_data, bytes, _endOffset);
            RandomAccess.FlushToDisk(_data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                RandomAccess.SetLength(_data, _endOffset);
                RandomAccess.FlushToDisk(_data);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The next batch's SyncTail sees the leftover and cuts or adopts it.
            }

            throw new StorageException($"could not append to the ledger '{LedgerPath}': {ex.Message}; the entries of this batch were not recorded", LedgerPath, ex);
        }
    }

    private void WriteHead(LedgerHead head)
    {
        try
        {
            RandomAccess.Write(_head, head.ToRecord(), 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The entries are durable; a stale head only weakens the truncation check until the next batch.
        }

        lock (_gate)
        {
            _lastHead = head;
        }
    }

    private void LoadUnderLock()
    {
        SyncTail();
        byte[] record = new byte[LedgerHead.RecordSize];
        int read = RandomAccess.Read(_head, record, 0);
        if (RandomAccess.GetLength(_head) > LedgerHead.RecordSize)
        {
            // Only ever the fixed-size record: anything longer was written by something else.
            RandomAccess.SetLength(_head, LedgerHead.RecordSize);
        }

        var head = LedgerHead.TryParse(record.AsSpan(0, read));
        if (head is null)
        {
            var rebuilt = new LedgerHead(_chain.LastSequence, _chain.LastHash);
            WriteHead(rebuilt);
            if (read > 0 || _chain.LastSequence > 0)
            {
                AddRecovery(new LedgerRecovery(LedgerRecoveryKind.HeadRewritten, 0, 0, 0, _chain.LastSequence,
                    $"{HeadFileName} was unreadable and has been rewritten from the ledger (sequence {_chain.LastSequence})"));
            }

            return;
        }

        if (head.Sequence > _chain.LastSequence)
        {
            throw new LedgerCorruptException(
                $"the ledger '{LedgerPath}' ends at sequence {_chain.LastSequence} but {HeadFileName} records sequence {head.Sequence}: entries were removed from the end",
                LedgerPath, _lineCount, head.Sequence);
        }

        if (head.Sequence > 0 && !HeadMatchesLedger(head))
        {
            throw new LedgerCorruptException(
                $"the entry with sequence {head.Sequence} in '{LedgerPath}' does not have the hash {HeadFileName} records ({head.Hash}): the ledger was rewritten",
                LedgerPath, head.Sequence, head.Sequence);
        }

        WriteHead(new LedgerHead(_chain.LastSequence, _chain.LastHash));
    }

    private bool HeadMatchesLedger(LedgerHead head)
    {
        if (head.Sequence == _chain.LastSequence)
        {
            return head.Hash == _chain.LastHash;
        }

        // The head lags (a crash between the ledger's fsync and the head's write): look the entry up.
        bool matches = false;
        LedgerLineScanner.Scan(_data, 0, _endOffset, (line, _) =>
        {
            if (!matches)
            {
                var entry = LedgerEntryCodec.Parse(line);
                matches = entry.Sequence == head.Sequence && entry.Hash == head.Hash;
            }
        });
        return matches;
    }

    /// <summary>
    /// Catches up with what other processes appended since this store last looked, and cuts a torn
    /// last line. Runs under the file lock.
    /// </summary>
    private void SyncTail()
    {
        long length = RandomAccess.GetLength(_data);
        if (length == _endOffset)
        {
            return;
        }

        if (length < _endOffset)
        {
            throw new LedgerCorruptException(
                $"the ledger '{LedgerPath}' shrank from {_endOffset} to {length} bytes while open: something other than Autopilot truncated it",
                LedgerPath, _lineCount, _chain.LastSequence);
        }

        long tailStart = LedgerLineScanner.Scan(_data, _endOffset, length, (line, offset) =>
        {
            long lineNumber = _lineCount + 1;
            LedgerEntry entry;
            try
            {
                entry = LedgerEntryCodec.Parse(line);
            }
            catch (FormatException ex)
            {
                throw new LedgerCorruptException($"{LedgerPath}:{lineNumber}: unreadable entry: {ex.Message}", LedgerPath, lineNumber, null, ex);
            }

            if (entry.Sequence != _chain.LastSequence + 1 || entry.PrevHash != _chain.LastHash)
            {
                throw new LedgerCorruptException(
                    $"{LedgerPath}:{lineNumber}: entry {entry.Sequence} does not follow entry {_chain.LastSequence} (expected sequence {_chain.LastSequence + 1} chained to {_chain.LastHash[..12]}…); run ledger verify",
                    LedgerPath, lineNumber, entry.Sequence);
            }

            _chain.Reset(entry.Sequence, entry.Hash);
            if (entry.IdempotencyKey is { } key)
            {
                _byKey.TryAdd(key, entry);
            }

            _lineCount = lineNumber;
            _endOffset = offset + line.Length + 1;
        });

        if (tailStart < length)
        {
            CutTornTail(tailStart, length);
        }
    }

    private void CutTornTail(long tailStart, long length)
    {
        try
        {
            RandomAccess.SetLength(_data, tailStart);
            RandomAccess.FlushToDisk(_data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot cut the torn last line of '{LedgerPath}': {ex.Message}", LedgerPath, ex);
        }

        _endOffset = tailStart;
        AddRecovery(new LedgerRecovery(LedgerRecoveryKind.TornTailCut, _lineCount + 1, tailStart, length - tailStart, _chain.LastSequence,
            $"{LedgerPath}:{_lineCount + 1}: cut a torn last line of {length - tailStart} bytes (an append that never completed); the ledger ends at sequence {_chain.LastSequence}"));
    }

    private void AddRecovery(LedgerRecovery recovery)
    {
        lock (_recoveries)
        {
            _recoveries.Add(recovery);
        }
    }

    public void Dispose()
    {
        if (_group.Close())
        {
            _data.Dispose();
            _head.Dispose();
        }
    }
}
