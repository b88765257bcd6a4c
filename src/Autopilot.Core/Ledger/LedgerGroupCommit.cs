namespace Autopilot.Core.Ledger;

/// <summary>
/// Group commit for a ledger store: appends from many threads queue up; one of them (the leader)
/// hands the whole queue to the store's commit step, and the others wait for its outcome. While the
/// leader waits on the disk or the database, the next batch collects, so batches grow with load.
/// Shared by the file store and the PostgreSQL store.
/// </summary>
internal sealed class LedgerGroupCommit
{
    private readonly object _gate = new();
    private readonly Action<List<PendingAppend>> _commit;
    private List<PendingAppend> _queue = [];
    private List<PendingAppend> _spare = [];
    private bool _committing;
    private bool _closed;

    /// <param name="commit">
    /// Records a batch: sets <see cref="PendingAppend.Entry"/> (and <see cref="PendingAppend.Duplicate"/>)
    /// on each, or <see cref="PendingAppend.Error"/> on each when nothing was recorded. Runs on one thread at a time.
    /// </param>
    public LedgerGroupCommit(Action<List<PendingAppend>> commit) => _commit = commit;

    /// <summary>The object whose lock guards the queue (stores use it for their own shared fields).</summary>
    public object Gate => _gate;

    public LedgerAppendResult Append(LedgerAppend entry, object owner)
    {
        var pending = new PendingAppend(entry);
        List<PendingAppend> batch;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, owner);
            _queue.Add(pending);
            while (_committing && !pending.Completed)
            {
                Monitor.Wait(_gate);
            }

            if (pending.Completed)
            {
                return pending.Result(isLeader: false);
            }

            ObjectDisposedException.ThrowIf(_closed, owner);

            // Lead this batch: take everything queued so far.
            _committing = true;
            batch = _queue;
            _queue = _spare;
            _spare = batch;
        }

        try
        {
            _commit(batch);
            foreach (var item in batch)
            {
                item.Completed = true;
            }
        }
        finally
        {
            lock (_gate)
            {
                batch.Clear();
                _committing = false;
                Monitor.PulseAll(_gate);
            }
        }

        return pending.Result(isLeader: true);
    }

    /// <summary>Refuses new appends and waits for the batch in flight. Returns false when already closed.</summary>
    public bool Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            while (_committing)
            {
                Monitor.Wait(_gate);
            }

            return true;
        }
    }

    /// <summary>Marks every append of a failed batch with the error (nothing in it is acknowledged).</summary>
    public static void Fail(List<PendingAppend> batch, Exception error)
    {
        foreach (var pending in batch)
        {
            pending.Entry = null;
            pending.Duplicate = false;
            pending.Error = error;
        }
    }

    internal sealed class PendingAppend(LedgerAppend draft)
    {
        public LedgerAppend Draft { get; } = draft;

        public LedgerEntry? Entry { get; set; }

        public bool Duplicate { get; set; }

        public Exception? Error { get; set; }

        public bool Completed { get; set; }

        /// <summary>The leader rethrows the batch's failure; each follower gets its own copy, so no exception object is thrown on two threads.</summary>
        public LedgerAppendResult Result(bool isLeader)
        {
            switch (Error)
            {
                case null:
                    return new LedgerAppendResult(Entry!, Duplicate);
                case var error when isLeader:
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                    break;
                case LedgerCorruptException corrupt:
                    throw new LedgerCorruptException(corrupt.Message, corrupt.Path, corrupt.LineNumber, corrupt.Sequence, corrupt);
                case Storage.StorageException storage:
                    throw new Storage.StorageException(storage.Message, storage.Path, storage);
                case ArgumentException argument:
                    throw new ArgumentException(argument.Message, argument.ParamName, argument);
            }

            throw new Storage.StorageException(Error.Message, "", Error);
        }
    }
}
