using System.Buffers;
using System.Text.Json;
using Autopilot.Core.Ledger;

namespace Autopilot.Core.Attestation;

/// <summary>
/// What every attestation store does, whatever holds the records: versions only grow, an update
/// needs a reason, and every version is appended to the ledger first (kind <c>attestation</c>) with
/// an idempotency key made of the task, phase, version and a digest of the hashes, so a retry after
/// a crash between the ledger and the record is recorded once. A store supplies the lock per task
/// and phase and the reading and writing of records.
/// </summary>
public abstract class AttestationStore : IAttestationStore
{
    private readonly ILedgerStore _ledger;

    protected AttestationStore(ILedgerStore ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _ledger = ledger;
    }

    /// <summary>Serialises record and update for one task and phase across processes.</summary>
    protected abstract IDisposable Lock(string task, string phase);

    /// <summary>Every version for the task and phase; null when none. Called with and without the lock.</summary>
    protected abstract AttestationRecord? ReadRecord(string task, string phase);

    /// <summary>Stores <paramref name="record"/>, whose last version is new. Called under the lock.</summary>
    protected abstract void WriteRecord(AttestationRecord record);

    public AttestationRecord? Get(string task, string phase)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        return ReadRecord(task, phase);
    }

    public AttestationVersion Record(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor)
    {
        ValidateCall(task, phase, subjects, actor);
        using var held = Lock(task, phase);
        var existing = ReadRecord(task, phase);
        if (existing is not null)
        {
            if (AttestationSubjects.Compare(existing.Current.Subjects, subjects).Count == 0)
            {
                return existing.Current;
            }

            throw new AttestationException(
                $"{task}/{phase} is already attested (version {existing.Current.Version}); changing the hashes is an update and needs a reason");
        }

        return AddVersion(task, phase, null, subjects, actor, reason: null);
    }

    public AttestationVersion Update(string task, string phase, IReadOnlyDictionary<string, string> subjects, string actor, string reason)
    {
        ValidateCall(task, phase, subjects, actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("an attestation update needs a reason", nameof(reason));
        }

        using var held = Lock(task, phase);
        var existing = ReadRecord(task, phase)
            ?? throw new AttestationException($"{task}/{phase} has no attestation to update; record one first");
        return AddVersion(task, phase, existing, subjects, actor, reason);
    }

    public AttestationCheckResult Check(string task, string phase, IReadOnlyDictionary<string, string> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var record = Get(task, phase);
        return record is null
            ? new AttestationCheckResult(task, phase, Recorded: false, Version: null, Drift: [])
            : new AttestationCheckResult(task, phase, Recorded: true, record.Current.Version, AttestationSubjects.Compare(record.Current.Subjects, current));
    }

    private AttestationVersion AddVersion(string task, string phase, AttestationRecord? existing, IReadOnlyDictionary<string, string> subjects, string actor, string? reason)
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
        WriteRecord(new AttestationRecord(task, phase, versions));
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

    protected static void WriteSubjects(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> subjects)
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

}
