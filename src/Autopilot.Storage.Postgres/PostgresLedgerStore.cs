using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Autopilot.Storage.Postgres;

/// <summary>
/// The ledger in PostgreSQL: one hash chain per scope (<see cref="PostgresDatabase.Scope"/>), rows in
/// <c>autopilot.ledger_entries</c> holding the exact line the file store would write (same canonical
/// form, same hashes), and <c>autopilot.ledger_heads</c> as the anchor.
/// </summary>
/// <remarks>
/// <para>Group commit as in <see cref="FileLedgerStore"/>: concurrent appends in one process queue up
/// and the leader records the whole queue in one statement and one commit.</para>
/// <para>Fast path: the leader chains the batch onto the head it last saw and sends one statement
/// that moves the head only if it is still that head and no key of the batch is recorded, and inserts
/// the rows only if the head moved (one round trip, one WAL flush). Otherwise (another process
/// appended, or a key repeats) it takes the head row lock (<c>select … for update</c>), reads the keys
/// already recorded, chains onto the true head and commits. Sequence numbers come from the head row
/// under its lock, so they have no gaps; the primary key and the unique key index are the backstops.</para>
/// <para>A failed append acknowledges nothing. When the connection drops after the commit was sent
/// the outcome is unknown: retry with the same idempotency key, and the second call returns the first
/// entry if it was recorded.</para>
/// </remarks>
public sealed class PostgresLedgerStore : ILedgerStore
{
    private const string AnchorName = "autopilot.ledger_heads";

    private readonly PostgresDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly LedgerOptions _options;
    private readonly LedgerGroupCommit _group;
    private readonly ByteBuffer _batch = new(8 * 1024);
    private LedgerHead? _cachedHead;
    private LedgerHead _lastHead = LedgerHead.Empty;

    private PostgresLedgerStore(PostgresDatabase database, bool ownsDatabase, LedgerOptions options)
    {
        _database = database;
        _ownsDatabase = ownsDatabase;
        _options = options;
        _group = new LedgerGroupCommit(CommitBatch);
    }

    /// <summary>Batches committed by this store (one transaction each); fewer than appends under load.</summary>
    internal long CommitCount { get; private set; }

    /// <summary>Batches that found the head moved (or a key recorded) and took the row lock.</summary>
    internal long LockedCommitCount { get; private set; }

    public PostgresDatabase Database => _database;

    public LedgerHead Head
    {
        get
        {
            lock (_group.Gate)
            {
                return _lastHead;
            }
        }
    }

    /// <summary>Always empty: a transaction is all or nothing, so there is no torn tail to cut.</summary>
    public IReadOnlyList<LedgerRecovery> Recoveries => [];

    /// <summary>Opens the scope's ledger (creating its head row) in a migrated database.</summary>
    public static PostgresLedgerStore Open(PostgresDatabase database, LedgerOptions? options = null, bool ownsDatabase = false)
    {
        database.RequireSchema();
        var store = new PostgresLedgerStore(database, ownsDatabase, options ?? LedgerOptions.Default);
        try
        {
            using var connection = database.Connect();
            using var command = new NpgsqlCommand(
                "insert into autopilot.ledger_heads (ledger_id, sequence, hash) values ($1, 0, $2) on conflict do nothing", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = database.Scope });
            command.Parameters.Add(new NpgsqlParameter { Value = LedgerEntry.GenesisHash });
            command.ExecuteNonQuery();
            store.SetHead(ReadHead(connection, null, database.Scope, forUpdate: false));
        }
        catch (NpgsqlException ex)
        {
            throw database.Failure("cannot open the ledger", ex);
        }

        return store;
    }

    public LedgerAppendResult Append(LedgerAppend entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.Validate();
        return _group.Append(entry, this);
    }

    public IReadOnlyList<LedgerEntry> ReadAll()
    {
        List<byte[]> lines;
        try
        {
            lines = _database.Retrying(connection => ReadRows(connection, null).Select(l => l.ToArray()).ToList());
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure("cannot read the ledger", ex);
        }

        var entries = new List<LedgerEntry>(lines.Count);
        foreach (var line in lines)
        {
            try
            {
                entries.Add(LedgerEntryCodec.Parse(line));
            }
            catch (FormatException ex)
            {
                throw new LedgerCorruptException($"{_database.Display}: entry {entries.Count + 1} is unreadable: {ex.Message}", _database.Display, entries.Count + 1, entries.Count + 1, ex);
            }
        }

        return entries;
    }

    /// <summary>
    /// Checks the chain end to end with the file verifier's rules (hashes of the canonical form,
    /// sequences 1, 2, 3…, each prevHash the previous hash), the head row as the anchor, and that the
    /// indexed columns agree with the stored lines.
    /// </summary>
    public LedgerVerification Verify(string? expectHead = null)
    {
        try
        {
            return _database.Retrying(connection => Verify(connection, expectHead));
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure("cannot read the ledger", ex);
        }
    }

    private LedgerVerification Verify(NpgsqlConnection connection, string? expectHead)
    {
        var anchor = ReadHead(connection, null, _database.Scope, forUpdate: false);
            string? columnProblem = null;
            long? columnSequence = null;
            var verification = LedgerVerifier.VerifyLines(ReadRows(connection, (sequence, prevHash, hash, line) =>
            {
                if (columnProblem is null && !LineMatches(line, sequence, prevHash, hash))
                {
                    columnProblem = $"{_database.Display}: entry {sequence}: the columns sequence/prev_hash/hash do not match the stored line: the row was edited";
                    columnSequence = sequence;
                }
            }), _database.Display, anchor.Sequence == 0 ? null : anchor, AnchorName, expectHead);
            if (verification.IsValid && columnProblem is not null)
            {
                return verification with { Problem = new LedgerProblem(LedgerProblemKind.Edited, columnSequence, columnSequence ?? 0, columnProblem) };
            }

        return verification;
    }

    private static bool LineMatches(byte[] line, long sequence, string prevHash, string hash)
    {
        // The stored line ends with ,"hash":"<64 hex>"} (LedgerEntryCodec.WriteLine), and names its sequence and prevHash.
        var text = System.Text.Encoding.UTF8.GetString(line);
        return text.EndsWith($",\"hash\":\"{hash}\"}}", StringComparison.Ordinal)
            && text.Contains($"\"prevHash\":\"{prevHash}\"", StringComparison.Ordinal)
            && text.Contains($"\"sequence\":{sequence}", StringComparison.Ordinal);
    }

    private IEnumerable<ReadOnlyMemory<byte>> ReadRows(NpgsqlConnection connection, Action<long, string, string, byte[]>? check)
    {
        using var command = new NpgsqlCommand(
            "select sequence, prev_hash, hash, line from autopilot.ledger_entries where ledger_id = $1 order by sequence", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var line = reader.GetFieldValue<byte[]>(3);
            check?.Invoke(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), line);
            yield return line;
        }
    }

    private static LedgerHead ReadHead(NpgsqlConnection connection, NpgsqlTransaction? transaction, string scope, bool forUpdate)
    {
        using var command = new NpgsqlCommand(
            "select sequence, hash from autopilot.ledger_heads where ledger_id = $1" + (forUpdate ? " for update" : ""), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = scope });
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new StorageException($"the ledger '{scope}' has no head row: open it with PostgresLedgerStore.Open first", scope);
        }

        return new LedgerHead(reader.GetInt64(0), reader.GetString(1));
    }

    private void SetHead(LedgerHead head)
    {
        _cachedHead = head;
        lock (_group.Gate)
        {
            _lastHead = head;
        }
    }

    private void CommitBatch(List<LedgerGroupCommit.PendingAppend> batch)
    {
        var time = _options.TimeProvider.GetUtcNow().ToUniversalTime();
        try
        {
            using var connection = _database.Connect();
            if (_cachedHead is { } cached && TryFastPath(connection, batch, cached, time))
            {
                return;
            }

            LockedPath(connection, batch, time);
        }
        catch (Exception ex)
        {
            // Nothing is acknowledged. The head may or may not have moved (a commit whose answer was lost): read it next time.
            _cachedHead = null;
            _database.ForgetConnections(ex);
            var error = ex switch
            {
                StorageException or ArgumentException => ex,
                NpgsqlException or TimeoutException or IOException or InvalidOperationException =>
                    _database.Failure("ledger append failed; the entries of this batch were not acknowledged (if the connection dropped after the commit, retrying with the same idempotency key returns them)", ex),
                _ => new StorageException($"ledger append failed: {ex.Message}", _database.Display, ex),
            };
            LedgerGroupCommit.Fail(batch, error);
        }
    }

    /// <summary>Chains the batch onto <paramref name="head"/>; false when it is no longer the head or a key is already recorded.</summary>
    private bool TryFastPath(NpgsqlConnection connection, List<LedgerGroupCommit.PendingAppend> batch, LedgerHead head, DateTimeOffset time)
    {
        var rows = Chain(batch, head, time, recorded: null);
        if (rows.Count == 0)
        {
            return false;
        }

        string[]? keys = KeysOf(batch);
        using var command = new NpgsqlCommand(
            """
            with moved as (
                update autopilot.ledger_heads set sequence = $3, hash = $4
                where ledger_id = $1 and sequence = $2 and hash = $5
                  and ($6::text[] is null or not exists (
                      select 1 from autopilot.ledger_entries e where e.ledger_id = $1 and e.idempotency_key = any($6)))
                returning 1)
            insert into autopilot.ledger_entries (ledger_id, sequence, time, actor, kind, task, idempotency_key, prev_hash, hash, line)
            select $1, r.* from unnest($7::bigint[], $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bytea[])
                as r(sequence, time, actor, kind, task, idempotency_key, prev_hash, hash, line)
            where exists (select 1 from moved)
            """, connection);
        var last = rows[^1].Entry!;
        command.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
        command.Parameters.Add(new NpgsqlParameter { Value = head.Sequence });
        command.Parameters.Add(new NpgsqlParameter { Value = last.Sequence });
        command.Parameters.Add(new NpgsqlParameter { Value = last.Hash });
        command.Parameters.Add(new NpgsqlParameter { Value = head.Hash });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)keys ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        AddRowParameters(command, rows);
        int inserted = command.ExecuteNonQuery();
        if (inserted == 0)
        {
            return false;
        }

        CommitCount++;
        SetHead(new LedgerHead(last.Sequence, last.Hash));
        return true;
    }

    private void LockedPath(NpgsqlConnection connection, List<LedgerGroupCommit.PendingAppend> batch, DateTimeOffset time)
    {
        using var transaction = connection.BeginTransaction();
        var head = ReadHead(connection, transaction, _database.Scope, forUpdate: true);
        Dictionary<string, LedgerEntry>? recorded = null;
        if (KeysOf(batch) is { } keys)
        {
            using var lookup = new NpgsqlCommand(
                "select line from autopilot.ledger_entries where ledger_id = $1 and idempotency_key = any($2)", connection, transaction);
            lookup.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            lookup.Parameters.Add(new NpgsqlParameter { Value = keys });
            using var reader = lookup.ExecuteReader();
            while (reader.Read())
            {
                var entry = LedgerEntryCodec.Parse(reader.GetFieldValue<byte[]>(0));
                (recorded ??= new(StringComparer.Ordinal))[entry.IdempotencyKey!] = entry;
            }
        }

        var rows = Chain(batch, head, time, recorded);
        if (rows.Count > 0)
        {
            var last = rows[^1].Entry!;
            using var insert = new NpgsqlCommand(
                """
                insert into autopilot.ledger_entries (ledger_id, sequence, time, actor, kind, task, idempotency_key, prev_hash, hash, line)
                select $1, r.* from unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bytea[])
                    as r(sequence, time, actor, kind, task, idempotency_key, prev_hash, hash, line);
                """, connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            AddRowParameters(insert, rows);
            insert.ExecuteNonQuery();
            using var move = new NpgsqlCommand("update autopilot.ledger_heads set sequence = $2, hash = $3 where ledger_id = $1", connection, transaction);
            move.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            move.Parameters.Add(new NpgsqlParameter { Value = last.Sequence });
            move.Parameters.Add(new NpgsqlParameter { Value = last.Hash });
            move.ExecuteNonQuery();
            head = new LedgerHead(last.Sequence, last.Hash);
        }

        transaction.Commit();
        CommitCount++;
        LockedCommitCount++;
        SetHead(head);
    }

    private static string[]? KeysOf(List<LedgerGroupCommit.PendingAppend> batch)
    {
        List<string>? keys = null;
        foreach (var pending in batch)
        {
            if (pending.Draft.IdempotencyKey is { } key)
            {
                (keys ??= []).Add(key);
            }
        }

        return keys?.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Chains the batch onto <paramref name="head"/>: sets each pending's entry (a duplicate of a
    /// recorded or earlier key in the batch gets the first entry) and returns the ones to insert,
    /// whose lines are in <see cref="_batch"/>.
    /// </summary>
    private List<LedgerGroupCommit.PendingAppend> Chain(List<LedgerGroupCommit.PendingAppend> batch, LedgerHead head, DateTimeOffset time, Dictionary<string, LedgerEntry>? recorded)
    {
        var chain = new LedgerChain(head.Sequence, head.Hash);
        var rows = new List<LedgerGroupCommit.PendingAppend>(batch.Count);
        Dictionary<string, LedgerEntry>? inBatch = null;
        _batch.Clear();
        foreach (var pending in batch)
        {
            string? key = pending.Draft.IdempotencyKey;
            if (key is not null && (recorded?.TryGetValue(key, out var first) == true || inBatch?.TryGetValue(key, out first) == true))
            {
                pending.Entry = first;
                pending.Duplicate = true;
                continue;
            }

            pending.Entry = chain.Append(pending.Draft, time, _batch);
            pending.Duplicate = false;
            rows.Add(pending);
            if (key is not null)
            {
                (inBatch ??= new(StringComparer.Ordinal))[key] = pending.Entry;
            }
        }

        return rows;
    }

    private void AddRowParameters(NpgsqlCommand command, List<LedgerGroupCommit.PendingAppend> rows)
    {
        int n = rows.Count;
        var sequences = new long[n];
        var times = new DateTime[n];
        var actors = new string[n];
        var kinds = new string[n];
        var tasks = new string?[n];
        var keys = new string?[n];
        var prevHashes = new string[n];
        var hashes = new string[n];
        var lines = new byte[n][];
        var written = _batch.WrittenSpan;
        int offset = 0;
        for (int i = 0; i < n; i++)
        {
            var entry = rows[i].Entry!;
            sequences[i] = entry.Sequence;
            times[i] = entry.Time.UtcDateTime;
            actors[i] = entry.Actor;
            kinds[i] = entry.Kind.ToWire();
            tasks[i] = entry.Task;
            keys[i] = entry.IdempotencyKey;
            prevHashes[i] = entry.PrevHash;
            hashes[i] = entry.Hash;
            int end = written[offset..].IndexOf((byte)'\n');
            lines[i] = written.Slice(offset, end).ToArray();
            offset += end + 1;
        }

        command.Parameters.Add(new NpgsqlParameter { Value = sequences });
        command.Parameters.Add(new NpgsqlParameter { Value = times, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = actors });
        command.Parameters.Add(new NpgsqlParameter { Value = kinds });
        command.Parameters.Add(new NpgsqlParameter { Value = tasks, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = prevHashes });
        command.Parameters.Add(new NpgsqlParameter { Value = hashes });
        command.Parameters.Add(new NpgsqlParameter { Value = lines });
    }

    /// <summary>
    /// Copies a file ledger into this (empty, or partly imported) ledger line by line, hashes
    /// unchanged, in one transaction, then verifies the result. The file ledger must verify first.
    /// Running it again after a complete import changes nothing. Returns the entries copied.
    /// </summary>
    public long Import(string fileLedgerDirectory)
    {
        var source = LedgerVerifier.Verify(fileLedgerDirectory);
        if (!source.IsValid)
        {
            throw new LedgerCorruptException($"the file ledger does not verify, nothing imported: {source.Problem!.Message}", fileLedgerDirectory, source.Problem.LineNumber, source.Problem.Sequence);
        }

        var lines = File.Exists(Path.Combine(fileLedgerDirectory, FileLedgerStore.LedgerFileName))
            ? File.ReadAllLines(Path.Combine(fileLedgerDirectory, FileLedgerStore.LedgerFileName)).Take((int)source.EntryCount).ToList()
            : [];
        long copied = 0;
        try
        {
            using var connection = _database.Connect();
            using var transaction = connection.BeginTransaction();
            var head = ReadHead(connection, transaction, _database.Scope, forUpdate: true);
            if (head.Sequence > lines.Count)
            {
                throw new StorageException($"{_database.Display} already holds {head.Sequence} entries, more than the file ledger's {lines.Count}: not the same ledger, nothing imported", _database.Display);
            }

            if (head.Sequence > 0 && LedgerEntryCodec.Parse(System.Text.Encoding.UTF8.GetBytes(lines[(int)head.Sequence - 1])).Hash != head.Hash)
            {
                throw new StorageException($"{_database.Display} ends at entry {head.Sequence} with hash {head.Hash[..12]}…, which the file ledger's entry {head.Sequence} does not have: a different ledger, nothing imported", _database.Display);
            }

            const int chunk = 1000;
            for (int start = (int)head.Sequence; start < lines.Count; start += chunk)
            {
                var entries = new List<LedgerGroupCommit.PendingAppend>();
                _batch.Clear();
                foreach (var text in lines.Skip(start).Take(chunk))
                {
                    var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                    var entry = LedgerEntryCodec.Parse(bytes);
                    _batch.Write(bytes);
                    _batch.Write((byte)'\n');
                    entries.Add(new LedgerGroupCommit.PendingAppend(new LedgerAppend { Actor = entry.Actor, Kind = entry.Kind }) { Entry = entry });
                }

                using var insert = new NpgsqlCommand(
                    """
                    insert into autopilot.ledger_entries (ledger_id, sequence, time, actor, kind, task, idempotency_key, prev_hash, hash, line)
                    select $1, r.* from unnest($2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bytea[])
                        as r(sequence, time, actor, kind, task, idempotency_key, prev_hash, hash, line);
                    """, connection, transaction);
                insert.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
                AddRowParameters(insert, entries);
                insert.ExecuteNonQuery();
                copied += entries.Count;
                head = new LedgerHead(entries[^1].Entry!.Sequence, entries[^1].Entry!.Hash);
            }

            using var move = new NpgsqlCommand("update autopilot.ledger_heads set sequence = $2, hash = $3 where ledger_id = $1", connection, transaction);
            move.Parameters.Add(new NpgsqlParameter { Value = _database.Scope });
            move.Parameters.Add(new NpgsqlParameter { Value = head.Sequence });
            move.Parameters.Add(new NpgsqlParameter { Value = head.Hash });
            move.ExecuteNonQuery();
            transaction.Commit();
            SetHead(head);
        }
        catch (NpgsqlException ex)
        {
            throw _database.Failure("import failed; nothing was imported", ex);
        }

        var imported = Verify(expectHead: source.Head.Sequence == 0 ? null : source.Head.Hash);
        if (!imported.IsValid || imported.Head != source.Head)
        {
            throw new LedgerCorruptException($"the imported ledger does not verify: {imported.Problem?.Message ?? $"it ends at {imported.Head.Sequence}, the file at {source.Head.Sequence}"}", _database.Display, 0, null);
        }

        return copied;
    }

    public void Dispose()
    {
        if (_group.Close() && _ownsDatabase)
        {
            _database.Dispose();
        }
    }
}
