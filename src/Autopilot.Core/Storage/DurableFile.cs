using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Autopilot.Core.Storage;

/// <summary>Small durable-write helpers shared by the lease and attestation stores.</summary>
public static class DurableFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> atomically: write a temporary sibling, fsync it, rename it
    /// over the target. A reader sees the old content or the new, never a mix. Call under a lock:
    /// the temporary name is fixed, so two unlocked writers would collide.
    /// </summary>
    /// <remarks>The directory is not fsynced: a power cut right after the rename may bring back the
    /// old file, which for leases only delays a take-over and for counters is covered by fsyncing the
    /// new value before it is used.</remarks>
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
