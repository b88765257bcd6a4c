using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Autopilot.Core.Storage;

/// <summary>Small durable-write helpers shared by the lease and attestation stores.</summary>
internal static class DurableFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> atomically: write a temporary sibling, fsync it, rename it
    /// over the target. A reader sees the old content or the new, never a mix. Call under a lock:
    /// the temporary name is fixed, so two unlocked writers would collide.
    /// </summary>
    /// <remarks>The directory is not fsynced: a power cut right after the rename may bring back the
    /// old file. Where the new name must survive too, call <see cref="FlushDirectory"/> after it.</remarks>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content, bool flushToDisk = true)
    {
        string temp = path + ".tmp";
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                RandomAccess.Write(handle, content, 0);
                if (flushToDisk)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new StorageException($"cannot write '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>Renames <paramref name="staged"/> over <paramref name="path"/> (atomic on one file system).</summary>
    public static void Replace(string staged, string path)
    {
        try
        {
            File.Move(staged, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot write '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>
    /// Flushes a directory's entries (fsync of the directory), so that a file created or renamed in it
    /// survives a power cut. .NET opens no directory handles, hence libc's open and fsync. A no-op on
    /// Windows, where the rename is journalled with the file.
    /// </summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = NativeMethods.Open(directory, 0 /* O_RDONLY */);
        if (fd < 0 || NativeMethods.Fsync(fd) != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            if (fd >= 0)
            {
                NativeMethods.Close(fd);
            }

            throw new StorageException($"cannot flush the directory '{directory}': errno {errno}", directory);
        }

        NativeMethods.Close(fd);
    }

    /// <summary>
    /// Flushes a file's data written in place (no size change, blocks already allocated): fdatasync on
    /// Linux, which skips the timestamps and so needs no journal commit; a full flush elsewhere.
    /// </summary>
    public static void FlushData(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (NativeMethods.Fdatasync((int)handle.DangerousGetHandle()) != 0)
            {
                throw new IOException($"fdatasync failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static class NativeMethods
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
        public static extern int Fdatasync(int fd);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
        public static extern int Close(int fd);
    }

    /// <summary>The file's bytes, or null when it does not exist.</summary>
    public static byte[]? ReadAllBytesOrNull(string path)
    {
        try
        {
            // Exists first: a missing file is the common case for leases, and an exception costs tens of microseconds.
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot read '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>Creates the directory, turning failures into a <see cref="StorageException"/> that names it.</summary>
    public static void EnsureDirectory(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot create the directory '{directory}': {ex.Message}", directory, ex);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file is overwritten by the next write.
        }
    }

    /// <summary>Lower-case hex SHA-256 of the bytes.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Lower-case hex SHA-256 of a file's content.</summary>
    public static string Sha256HexOfFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(stream, digest);
            return Convert.ToHexStringLower(digest);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot read '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>True for 64 lower-case hex digits, the form every hash in these stores takes.</summary>
    public static bool IsSha256Hex(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A file-name-safe form of an identifier: letters, digits, '.', '-' and '_' stay; every other
    /// UTF-8 byte becomes %XX. Injective, so two task names never share a file.
    /// </summary>
    public static string EscapeFileName(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && builder.Length > 0))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
