using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Attestation;

/// <summary>
/// Attestations as one JSON file per task and phase (<c>&lt;task&gt;@&lt;phase&gt;.json</c>, names
/// escaped) holding every version, replaced atomically under <c>.lock</c>.
/// </summary>
/// <remarks>
/// Each record or update is appended to the ledger first (kind <c>attestation</c>) with an
/// idempotency key made of the task, phase, version and a digest of the hashes, then the file is
/// replaced. A crash between the two leaves a ledger entry whose version the file lacks; the retry
/// computes the same key, the ledger returns the first entry instead of writing a second, and the
/// file catches up.
/// </remarks>
public sealed class FileAttestationStore : IAttestationStore
{
    public const string LockFileName = ".lock";

    private readonly ILedgerStore _ledger;
    private readonly AttestationOptions _options;
    private readonly string _lockPath;
    private bool _directoryReady;

    public FileAttestationStore(string directory, ILedgerStore ledger, AttestationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        Directory = Path.GetFullPath(directory);
        _ledger = ledger;
        _options = options ?? AttestationOptions.Default;
        _lockPath = Path.Combine(Directory, LockFileName);
    }

    public string Directory { get; }

    public AttestationRecord? Get(string task, string phase)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        return ReadRecord(RecordPath(task, phase));
    }

    public AttestationVersion Record(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor)
    {
        ValidateCall(task, phase, subjects, actor);
        using var held = Lock();
        string path = RecordPath(task, phase);
        var existing = ReadRecord(path);
        if (existing is not null)
        {
            if (AttestationSubjects.Compare(existing.Current.Subjects, subjects).Count == 0)
            {
                return existing.Current;
            }

            throw new AttestationException(
                $"{task}/{phase} is already attested (version {existing.Current.Version}); changing the hashes is an update and needs a reason");
        }

        return AddVersion(path, task, phase, null, subjects, actor, reason: null);
    }

    public AttestationVersion Update(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor, string reason)
    {
        ValidateCall(task, phase, subjects, actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("an attestation update needs a reason", nameof(reason));
        }

        using var held = Lock();
        string path = RecordPath(task, phase);
        var existing = ReadRecord(path)
            ?? throw new AttestationException($"{task}/{phase} has no attestation to update; record one first");
        return AddVersion(path, task, phase, existing, subjects, actor, reason);
    }

    public AttestationCheckResult Check(string task, string phase, IReadOnlyDictionary<string, string> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var record = Get(task, phase);
        return record is null
            ? new AttestationCheckResult(task, phase, Recorded: false, Version: null, Drift: [])
            : new AttestationCheckResult(task, phase, Recorded: true, record.Current.Version, AttestationSubjects.Compare(record.Current.Subjects, current));
    }

    private AttestationVersion AddVersion(string path, string task, string phase, AttestationRecord? existing, IReadOnlyDictionary<string, string> subjects, string actor, string? reason)
    {
        int number = (existing?.Current.Version ?? 0) + 1;
        var sorted = new SortedDictionary<string, string>(subjects.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
        string digest = SubjectsDigest(sorted);
        var appended = _ledger.Append(new LedgerAppend
        {
            Actor = actor,
            Kind = LedgerEntryKind.Attestation,
            Task = task,
            IdempotencyKey = $"attest/{task}/{phase}/v{number}/{digest[..16]}",
            Details = LedgerDetails(phase, number, reason, sorted, existing?.Current),
        });

        var version = new AttestationVersion(number, appended.Entry.Time, actor, reason, sorted, appended.Entry.Sequence);
        var versions = existing is null ? [version] : existing.Versions.Append(version).ToArray();
        WriteRecord(path, new AttestationRecord(task, phase, versions));
        return version;
    }

    private static string SubjectsDigest(SortedDictionary<string, string> subjects)
    {
        var text = string.Join("\n", subjects.Select(p => p.Key + "\0" + p.Value));
        return AttestationSubjects.HashText(text);
    }

    private static JsonElement LedgerDetails(string phase, int version, string? reason, SortedDictionary<string, string> subjects, AttestationVersion? previous)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("action", previous is null ? "record" : "update");
            writer.WriteString("phase", phase);
            writer.WriteNumber("version", version);
            if (reason is not null)
            {
                writer.WriteString("reason", reason);
            }

            WriteSubjects(writer, "subjects", subjects);
            if (previous is not null)
            {
                writer.WriteNumber("previousVersion", previous.Version);
                WriteSubjects(writer, "previousSubjects", previous.Subjects);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteSubjects(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> subjects)
    {
        writer.WriteStartObject(name);
        foreach (var (subject, hash) in subjects.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(subject, hash);
        }

        writer.WriteEndObject();
    }

    private static void ValidateCall(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        AttestationSubjects.Validate(subjects);
    }

    private FileLock Lock()
    {
        // Created on first use (a store on a read-only checkout can still answer Get).
        if (!_directoryReady)
        {
            DurableFile.EnsureDirectory(Directory);
            _directoryReady = true;
        }

        return FileLock.Acquire(_lockPath, _options.LockTimeout);
    }

    private string RecordPath(string task, string phase) =>
        Path.Combine(Directory, DurableFile.EscapeFileName(task) + "@" + DurableFile.EscapeFileName(phase) + ".json");

    private static AttestationRecord? ReadRecord(string path)
    {
        byte[]? bytes = DurableFile.ReadAllBytesOrNull(path);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var versions = new List<AttestationVersion>();
            foreach (var item in root.GetProperty("versions").EnumerateArray())
            {
                var subjects = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var subject in item.GetProperty("subjects").EnumerateObject())
                {
                    subjects[subject.Name] = subject.Value.GetString()!;
                }

                versions.Add(new AttestationVersion(
                    item.GetProperty("version").GetInt32(),
                    DateTimeOffset.Parse(item.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    item.GetProperty("actor").GetString()!,
                    item.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
                    subjects,
                    item.GetProperty("ledgerSequence").GetInt64()));
            }

            if (versions.Count == 0)
            {
                throw new FormatException("no versions");
            }

            return new AttestationRecord(root.GetProperty("task").GetString()!, root.GetProperty("phase").GetString()!, versions);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StorageException($"the attestation file '{path}' is unreadable ({ex.Message}); the ledger holds every version to rebuild it from", path, ex);
        }
    }

    private static void WriteRecord(string path, AttestationRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("task", record.Task);
            writer.WriteString("phase", record.Phase);
            writer.WriteStartArray("versions");
            foreach (var version in record.Versions)
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", version.Version);
                writer.WriteString("time", version.Time.UtcDateTime);
                writer.WriteString("actor", version.Actor);
                if (version.Reason is not null)
                {
                    writer.WriteString("reason", version.Reason);
                }

                WriteSubjects(writer, "subjects", version.Subjects);
                writer.WriteNumber("ledgerSequence", version.LedgerSequence);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        DurableFile.WriteAtomic(path, buffer.WrittenSpan);
    }
}
