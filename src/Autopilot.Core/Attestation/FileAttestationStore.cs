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
public sealed class FileAttestationStore : AttestationStore
{
    public const string LockFileName = ".lock";

    private readonly AttestationOptions _options;
    private readonly string _lockPath;
    private bool _directoryReady;

    public FileAttestationStore(string directory, ILedgerStore ledger, AttestationOptions? options = null)
        : base(ledger)
    {
        Directory = Path.GetFullPath(directory);
        _options = options ?? AttestationOptions.Default;
        _lockPath = Path.Combine(Directory, LockFileName);
    }

    public string Directory { get; }

    protected override IDisposable Lock(string task, string phase)
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

    protected override AttestationRecord? ReadRecord(string task, string phase)
    {
        string path = RecordPath(task, phase);
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

    protected override void WriteRecord(AttestationRecord record)
    {
        string path = RecordPath(record.Task, record.Phase);
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
