namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// Bounds on what a reader keeps in memory. Lines beyond a bound are still counted (caps stay exact) but their
/// text is not kept, and the file says so (<see cref="FileChange.LinesTruncated"/>); rules that read line text
/// report that they saw only part of the file.
/// </summary>
internal sealed record ChangeSetLimits
{
    public static readonly ChangeSetLimits Default = new();

    /// <summary>Longest line kept, in bytes; the rest of a longer line is dropped (minified files).</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Line text kept per file, in bytes of UTF-8.</summary>
    public long MaxBytesPerFile { get; init; } = 4L * 1024 * 1024;

    /// <summary>Line text kept over the whole change set; after it, files keep counts only.</summary>
    public long MaxTotalBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>More files than this is refused with a clear error rather than risking memory.</summary>
    public int MaxFiles { get; init; } = 1_000_000;
}
