namespace Autopilot.Core.Storage;

/// <summary>
/// Durable state could not be read or written. The message names the file and the cause (for
/// example "Read-only file system" or "No space left on device"); nothing was acknowledged.
/// </summary>
public class StorageException : IOException
{
    public StorageException(string message, string path, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file or directory the failure concerns.</summary>
    public string Path { get; }
}
