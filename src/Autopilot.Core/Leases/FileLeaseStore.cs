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
/// The fencing counter is one for the folder, so tokens grow across all tasks and phases (which
/// implies they grow for each). It is written (temp + fsync + rename) before the lease that carries
/// the new token, so after a crash the counter is never behind a token that was handed out. Release
/// deletes the lease file without fsync: if a crash undoes the delete, the lease merely lingers
/// until it expires. Expiry is judged by the store's clock; holders should renew well before it
/// and fence their writes with the token, since a stalled process can outlive its lease.
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

        long token = Math.Max(ReadCounter(), existing?.Token ?? 0) + 1;
        DurableFile.WriteAtomic(_counterPath, Encoding.ASCII.GetBytes(token.ToString(CultureInfo.InvariantCulture) + "\n"));
        var lease = new Lease(task, phase, holder, token, now, now + timeToLive);
        WriteLease(path, lease);
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
        return ReadCounter();
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

    private long ReadCounter()
    {
        byte[]? bytes = DurableFile.ReadAllBytesOrNull(_counterPath);
        if (bytes is null)
        {
            return 0;
        }

        if (!long.TryParse(Encoding.ASCII.GetString(bytes).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            // Guessing could hand out a token twice: refuse instead.
            throw new StorageException($"the fencing counter '{_counterPath}' is unreadable; restore it to at least the largest token ever granted", _counterPath);
        }

        return value;
    }

    private static Lease? ReadLease(string path)
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

    private static void WriteLease(string path, Lease lease)
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

        DurableFile.WriteAtomic(path, buffer.WrittenSpan);
    }
}
