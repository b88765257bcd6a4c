using System.Diagnostics;

namespace Autopilot.Core.Storage;

/// <summary>
/// An exclusive lock shared by processes and threads: an open handle on a <c>.lock</c> file with
/// <see cref="FileShare.None"/>. On Unix .NET takes <c>flock(LOCK_EX | LOCK_NB)</c> for that share
/// mode, which binds to the open file description, so two handles conflict even inside one
/// process, and the kernel drops the lock when the holder dies (SIGKILL included).
/// </summary>
/// <remarks>
/// The lock file is never deleted: deleting it would let a waiter lock an unlinked inode while a
/// newcomer locks a fresh one. Setting <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns the
/// lock off in .NET and so breaks the guarantees built on it.
/// </remarks>
internal sealed class FileLock : IDisposable
{
    // What .NET puts in HResult when the lock is taken: ERROR_SHARING_VIOLATION on Windows, the raw
    // errno EWOULDBLOCK on Unix (11 on Linux, 35 on macOS and the BSDs).
    private const int SharingViolationHResult = unchecked((int)0x80070020);
    private const int LinuxWouldBlock = 11;
    private const int BsdWouldBlock = 35;

    private FileStream? _stream;

    private FileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    /// <summary>
    /// Takes the lock, retrying with a growing, jittered back-off while another holder has it.
    /// Throws <see cref="StorageException"/> when <paramref name="timeout"/> passes or the lock file
    /// cannot be opened at all (missing directory, read-only file system, no permission).
    /// </summary>
    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        int attempt = 0;
        while (true)
        {
            if (TryAcquire(path, out var held))
            {
                return held;
            }

            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new StorageException($"timed out after {timeout.TotalSeconds:0.###} s waiting for the lock '{path}' held by another writer", path);
            }

            Backoff(attempt++);
        }
    }

    /// <summary>Takes the lock if it is free; false when another handle holds it.</summary>
    public static bool TryAcquire(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FileLock? held)
    {
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            held = new FileLock(stream, path);
            return true;
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            held = null;
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot open the lock file '{path}': {ex.Message}", path, ex);
        }
    }

    private static bool IsHeldElsewhere(IOException ex) => ex.HResult switch
    {
        SharingViolationHResult => true,
        LinuxWouldBlock => OperatingSystem.IsLinux(),
        BsdWouldBlock => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD(),
        _ => false,
    };

    /// <summary>Spin briefly first (a batch commit takes microseconds to milliseconds), then sleep with jitter.</summary>
    internal static void Backoff(int attempt)
    {
        if (attempt < 4)
        {
            Thread.Yield();
            return;
        }

        int ceiling = Math.Min(1 << Math.Min(attempt - 4, 4), 16);
        Thread.Sleep(Random.Shared.Next(0, ceiling + 1));
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stream, null)?.Dispose();
    }
}
