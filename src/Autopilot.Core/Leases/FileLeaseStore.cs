using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Leases;

/// <summary>
/// Leases as files in one folder: <c>&lt;task&gt;@&lt;phase&gt;.lease</c> per held lease (names escaped,
/// see <see cref="DurableFile.EscapeFileName"/>), <c>fencing</c> holding the last token granted,
/// and <c>.lock</c> serialising every operation across processes.
/// </summary>
/// <remarks>
/// <para>One fsync per grant. The fencing counter is one for the folder, so tokens grow across all tasks
/// and phases (which implies they grow for each). It is the only state that must survive a power cut: a
/// token handed out must never be handed out again, because a resource may have seen it. So the counter
/// is overwritten in place (no rename, so no directory entry to flush; no size change, so fdatasync) in one of two checksummed slots,
/// the one not holding the current value, and flushed before the lease that carries the new token is
/// put in place; a write torn by a power cut spoils only that slot, and the other still holds the value
/// before it, which no caller was told. The directory is flushed only when the counter file is created.</para>
/// <para>Lease files are replaced atomically (temporary file, rename) but not flushed: a power cut stops
/// every process on the machine, holders included, so a lease record lost with it (or left empty by it:
/// the file's data never reached the disk) protects no one; the next acquire gets a newer token from
/// the counter. A process killed at any point (SIGKILL) loses nothing, since the kernel keeps what was
/// written. Release deletes the lease file without a flush: if a power cut undoes the delete, the lease
/// merely lingers until it expires. Expiry is judged by the store's clock; holders should renew well
/// before it and fence their writes with the token, since a stalled process can outlive its lease.</para>
/// </remarks>
public sealed class FileLeaseStore : ILeaseStore
{
    public const string CounterFileName = "fencing";
    public const string LockFileName = ".lock";
    private const string LeaseExtension = ".lease";

    private readonly LeaseOptions _options;
    private readonly string _lockPath;
    private bool _directoryReady;
    private readonly string _counterPath;

    public FileLeaseStore(string directory, LeaseOptions? options = null)
    {
        Directory = Path.GetFullPath(directory);
        _options = options ?? LeaseOptions.Default;
        _lockPath = Path.Combine(Directory, LockFileName);
        _counterPath = Path.Combine(Directory, CounterFileName);
    }

    public string Directory { get; }

    public LeaseResult Acquire(string task, string phase, string holder, TimeSpan timeToLive)
    {
        LeaseRules.Validate(task, phase, holder, timeToLive);
        string path = LeasePath(task, phase);
        using var held = Lock();
        var now = Now();
        var existing = ReadLease(path);
        if (existing is not null && !existing.IsExpired(now))
        {
            if (existing.Holder != holder)
            {
                return LeaseRules.Held(existing);
            }

            // Acquiring again what one holds (a retry): same token, new expiry.
            var extended = existing with { ExpiresAt = now + timeToLive };
            WriteLease(path, extended);
            return LeaseRules.Extended(extended);
        }

        var counter = ReadCounter();
        long token = Math.Max(counter.Value, existing?.Token ?? 0) + 1;
        var lease = new Lease(task, phase, holder, token, now, now + timeToLive);

        // The lease is written first (a full disk fails here, before the counter moves), the counter is
        // made durable, and only then does the lease take its name: no reader sees a token the counter lacks.
        string staged = StageLease(path, lease);
        try
        {
            WriteCounter(counter, token);
            DurableFile.Replace(staged, path);
        }
        catch
        {
            DurableFile.TryDelete(staged);
            throw;
        }

        return LeaseRules.Granted(lease, existing);
    }

    public LeaseResult Renew(Lease lease, TimeSpan timeToLive)
    {
        ArgumentNullException.ThrowIfNull(lease);
        LeaseRules.Validate(lease.Task, lease.Phase, lease.Holder, timeToLive);
        string path = LeasePath(lease.Task, lease.Phase);
        using var held = Lock();
        var now = Now();
        var existing = ReadLease(path);
        if (existing is null || existing.Token != lease.Token)
        {
            return LeaseRules.NotHeld(lease, existing);
        }

        if (existing.IsExpired(now))
        {
            return LeaseRules.Expired(lease, existing);
        }

        var renewed = existing with { ExpiresAt = now + timeToLive };
        WriteLease(path, renewed);
        return LeaseRules.Renewed(renewed);
    }

    public LeaseResult Release(Lease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        string path = LeasePath(lease.Task, lease.Phase);
        using var held = Lock();
        var existing = ReadLease(path);
        if (existing is null || existing.Token != lease.Token)
        {
            return LeaseRules.NotHeld(lease, existing);
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot release the lease '{path}': {ex.Message}", path, ex);
        }

        return LeaseRules.Released(lease);
    }

    public Lease? Get(string task, string phase)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        return ReadLease(LeasePath(task, phase));
    }

    /// <summary>The last fencing token granted in this folder (0 before the first).</summary>
    public long LastToken()
    {
        using var held = Lock();
        return ReadCounter().Value;
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

    private DateTimeOffset Now() => _options.TimeProvider.GetUtcNow().ToUniversalTime();

    private string LeasePath(string task, string phase) =>
        Path.Combine(Directory, DurableFile.EscapeFileName(task) + "@" + DurableFile.EscapeFileName(phase) + LeaseExtension);

    /// <summary>
    /// The counter file: two slots of <see cref="SlotLength"/> bytes, each <c>&lt;20-digit token&gt; &lt;8 hex of
    /// its SHA-256&gt;</c> and a newline; the value is the larger valid slot. A file of one number (the
    /// format before slots) is read as that number and rewritten as slots at the next grant.
    /// </summary>
    private const int SlotLength = 30;

    private readonly record struct Counter(long Value, int FreeSlot, bool Slotted);

    private Counter ReadCounter()
    {
        byte[]? bytes = DurableFile.ReadAllBytesOrNull(_counterPath);
        if (bytes is null)
        {
            return new Counter(0, 0, Slotted: false);
        }

        if (bytes.Length == 2 * SlotLength)
        {
            long? first = ParseSlot(bytes.AsSpan(0, SlotLength)), second = ParseSlot(bytes.AsSpan(SlotLength, SlotLength));
            if (first is not null || second is not null)
            {
                // Overwrite the slot that does not hold the value (an invalid one first): a torn write then spoils only that one.
                int free = first is null ? 0 : second is null ? 1 : first < second ? 0 : 1;
                return new Counter(Math.Max(first ?? 0, second ?? 0), free, Slotted: true);
            }
        }
        else if (long.TryParse(Encoding.ASCII.GetString(bytes).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            return new Counter(value, 0, Slotted: false);
        }

        // Guessing could hand out a token twice: refuse instead.
        throw new StorageException($"the fencing counter '{_counterPath}' is unreadable; restore it to at least the largest token ever granted", _counterPath);
    }

    private static long? ParseSlot(ReadOnlySpan<byte> slot)
    {
        if (slot[^1] != (byte)'\n' || slot[20] != (byte)' '
            || !long.TryParse(slot[..20], NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            || !slot[21..29].SequenceEqual(Encoding.ASCII.GetBytes(DurableFile.Sha256Hex(slot[..20])[..8])))
        {
            return null;
        }

        return value;
    }

    private static byte[] Slot(long token)
    {
        string digits = token.ToString("D20", CultureInfo.InvariantCulture);
        return Encoding.ASCII.GetBytes(digits + " " + DurableFile.Sha256Hex(Encoding.ASCII.GetBytes(digits))[..8] + "\n");
    }

    /// <summary>Makes <paramref name="token"/> the counter on disk: one slot overwritten in place and flushed.</summary>
    private void WriteCounter(Counter counter, long token)
    {
        if (!counter.Slotted)
        {
            // Created (or converted from the one-number format): both slots, then the file and its directory entry flushed.
            DurableFile.WriteAtomic(_counterPath, [.. Slot(token), .. Slot(token)]);
            DurableFile.FlushDirectory(Directory);
            return;
        }

        try
        {
            using var handle = File.OpenHandle(_counterPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            RandomAccess.Write(handle, Slot(token), counter.FreeSlot * SlotLength);
            DurableFile.FlushData(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot write the fencing counter '{_counterPath}': {ex.Message}", _counterPath, ex);
        }
    }

    private static Lease? ReadLease(string path)
    {
        byte[]? bytes = DurableFile.ReadAllBytesOrNull(path);
        if (bytes is null || bytes.Length == 0)
        {
            // Empty: a lease renamed into place whose data a power cut kept from the disk (lease files are
            // not flushed). Its holder stopped with the machine, and its token is below the counter.
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            return new Lease(
                root.GetProperty("task").GetString()!,
                root.GetProperty("phase").GetString()!,
                root.GetProperty("holder").GetString()!,
                root.GetProperty("token").GetInt64(),
                DateTimeOffset.Parse(root.GetProperty("acquiredAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                DateTimeOffset.Parse(root.GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new StorageException($"the lease file '{path}' is unreadable ({ex.Message}); delete it only if no one holds that lease", path, ex);
        }
    }

    /// <summary>Replaces the lease file (atomic, not flushed: see the remarks).</summary>
    private static void WriteLease(string path, Lease lease) => DurableFile.WriteAtomic(path, Serialize(lease), flushToDisk: false);

    /// <summary>Writes the lease beside its final name; <see cref="DurableFile.Replace"/> puts it in place.</summary>
    private static string StageLease(string path, Lease lease)
    {
        string staged = path + ".tmp";
        try
        {
            File.WriteAllBytes(staged, Serialize(lease));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            DurableFile.TryDelete(staged);
            throw new StorageException($"cannot write '{path}': {ex.Message}", path, ex);
        }

        return staged;
    }

    private static byte[] Serialize(Lease lease)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("task", lease.Task);
            writer.WriteString("phase", lease.Phase);
            writer.WriteString("holder", lease.Holder);
            writer.WriteNumber("token", lease.Token);
            writer.WriteString("acquiredAt", lease.AcquiredAt.UtcDateTime);
            writer.WriteString("expiresAt", lease.ExpiresAt.UtcDateTime);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
