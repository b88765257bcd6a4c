using Autopilot.Core.Storage;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Ledger;

/// <summary>The entries of a ledger file as read, and the torn tail (if any) that was left out.</summary>
/// <param name="TornTailBytes">Bytes after the last newline: an append in progress or a crash not yet recovered.</param>
public sealed record LedgerReadResult(IReadOnlyList<LedgerEntry> Entries, long TornTailBytes);

/// <summary>
/// Questions answered from the ledger: the entries (optionally of one task), a task's current phase
/// and its reconstructed timeline. Reading takes no lock and needs no write access: it reads whole
/// lines only, so an append in progress is simply not seen yet.
/// </summary>
public sealed class LedgerReader
{
    private readonly Func<IReadOnlyList<LedgerEntry>> _source;

    public LedgerReader(ILedgerStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _source = store.ReadAll;
    }

    /// <summary>Reads the ledger folder directly (for example on a read-only checkout).</summary>
    public LedgerReader(string directory)
    {
        _source = () => ReadEntries(directory).Entries;
    }

    /// <summary>Over entries already in memory.</summary>
    public LedgerReader(IReadOnlyList<LedgerEntry> entries)
    {
        _source = () => entries;
    }

    /// <summary>The data of <c>ledger show [--task T]</c>: every entry, or a task's, in order.</summary>
    public IReadOnlyList<LedgerEntry> Show(string? task = null)
    {
        var entries = _source();
        return task is null ? entries : entries.Where(e => e.Task == task).ToArray();
    }

    /// <summary>
    /// The phase the task is in: the target of its last allowed transition or backtrack; null when it
    /// has none. Denied and escalated attempts do not move a task.
    /// </summary>
    public string? CurrentPhase(string task)
    {
        var entries = _source();
        for (int i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].Task == task && MovesTask(entries[i]))
            {
                return entries[i].ToPhase;
            }
        }

        return null;
    }

    /// <summary>The task's history: phases entered with times and durations, backtracks, denials, escalations, evidence.</summary>
    public TaskTimeline Reconstruct(string task)
    {
        var phases = new List<PhaseVisit>();
        var backtracks = new List<LedgerEntry>();
        var denied = new List<LedgerEntry>();
        var escalations = new List<LedgerEntry>();
        var attestations = new List<LedgerEntry>();
        var evidence = new List<EvidenceRecord>();
        var entries = new List<LedgerEntry>();

        foreach (var entry in _source())
        {
            if (entry.Task != task)
            {
                continue;
            }

            entries.Add(entry);
            foreach (var pair in entry.Evidence)
            {
                evidence.Add(new EvidenceRecord(entry.FromPhase ?? entry.ToPhase, pair.Key, pair.Value, entry.Sequence, entry.Time));
            }

            if (entry.Kind == LedgerEntryKind.Attestation)
            {
                attestations.Add(entry);
            }

            if (entry.Kind == LedgerEntryKind.Denied || entry.Verdict == Verdict.Deny)
            {
                denied.Add(entry);
                continue;
            }

            if (entry.Kind == LedgerEntryKind.Escalation || entry.Verdict == Verdict.Escalate)
            {
                escalations.Add(entry);
                continue;
            }

            if (!MovesTask(entry))
            {
                continue;
            }

            if (entry.Kind == LedgerEntryKind.Backtrack)
            {
                backtracks.Add(entry);
            }

            if (phases.Count > 0)
            {
                phases[^1] = phases[^1] with { LeftAt = entry.Time };
            }

            phases.Add(new PhaseVisit(entry.ToPhase!, entry.Time, null, entry.Kind == LedgerEntryKind.Backtrack, entry.Sequence));
        }

        return new TaskTimeline(task, phases.Count > 0 ? phases[^1].Phase : null, phases, backtracks, denied, escalations, attestations, evidence, entries);
    }

    private static bool MovesTask(LedgerEntry entry) =>
        entry.Kind is LedgerEntryKind.Transition or LedgerEntryKind.Backtrack
        && entry.Verdict is null or Verdict.Allow
        && entry.ToPhase is not null;

    /// <summary>
    /// Reads every whole entry of the ledger in <paramref name="directory"/>; a missing ledger is
    /// empty. Throws <see cref="LedgerCorruptException"/> (with the line) for an unreadable whole line.
    /// </summary>
    public static LedgerReadResult ReadEntries(string directory)
    {
        string path = Path.Combine(directory, FileLedgerStore.LedgerFileName);
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new LedgerReadResult([], 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot read the ledger '{path}': {ex.Message}", path, ex);
        }

        using (handle)
        {
            var entries = new List<LedgerEntry>();
            long length = RandomAccess.GetLength(handle);
            long tail = LedgerLineScanner.Scan(handle, 0, length, (line, _) =>
            {
                try
                {
                    entries.Add(LedgerEntryCodec.Parse(line));
                }
                catch (FormatException ex)
                {
                    throw new LedgerCorruptException($"{path}:{entries.Count + 1}: unreadable entry: {ex.Message}", path, entries.Count + 1, null, ex);
                }
            });
            return new LedgerReadResult(entries, length - tail);
        }
    }
}
