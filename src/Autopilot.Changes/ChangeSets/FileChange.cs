namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// One file of a change set: what happened to it, its paths and modes on each side, and its hunks. Added and
/// removed lines are always counted exactly; their text may be partly dropped for very large files
/// (<see cref="LinesTruncated"/>). Whole contents are read on demand through <see cref="ReadOld"/> and
/// <see cref="ReadNew"/>.
/// </summary>
public sealed class FileChange
{
    public const long DefaultMaxContentBytes = 16L * 1024 * 1024;

    public required ChangeKind Kind { get; init; }

    /// <summary>Repository-relative path before the change, with '/' separators; null for an added file.</summary>
    public string? OldPath { get; init; }

    /// <summary>Repository-relative path after the change; null for a deleted file.</summary>
    public string? NewPath { get; init; }

    /// <summary>The path a person would name: the new one, or the old one for a deletion.</summary>
    public string Path => NewPath ?? OldPath ?? "";

    public GitFileMode OldMode { get; init; }

    public GitFileMode NewMode { get; init; }

    /// <summary>Blob id before the change, when the source knows it.</summary>
    public string? OldId { get; init; }

    /// <summary>Blob id after the change; null (or all zeros in git's output) when the new side is the working tree.</summary>
    public string? NewId { get; init; }

    /// <summary>Similarity percentage of a rename or copy.</summary>
    public int? Similarity { get; init; }

    public bool IsBinary { get; init; }

    public bool IsSubmodule => OldMode.IsSubmodule || NewMode.IsSubmodule;

    public bool IsSymlink => NewMode.IsSymlink || (!NewMode.Exists && OldMode.IsSymlink);

    public IReadOnlyList<Hunk> Hunks { get; init; } = [];

    public int AddedCount { get; init; }

    public int RemovedCount { get; init; }

    /// <summary>Some line text was counted but not kept (see <see cref="ChangeSetLimits"/>).</summary>
    public bool LinesTruncated { get; init; }

    /// <summary>1-based line in the diff text where this file's header starts (0 when not from diff text).</summary>
    public int DiffLine { get; init; }

    internal IChangeContent? Content { get; set; }

    public IEnumerable<DiffLine> AddedLines => Lines(DiffLineKind.Added);

    public IEnumerable<DiffLine> RemovedLines => Lines(DiffLineKind.Removed);

    /// <summary>Opens the old contents; null when there is no old side or the source cannot read it.</summary>
    public Stream? OpenOld() => OldPath is null ? null : Content?.OpenOld(this);

    public Stream? OpenNew() => NewPath is null ? null : Content?.OpenNew(this);

    /// <summary>Reads up to <paramref name="maxBytes"/> of the old contents (null when unavailable).</summary>
    public FileContent? ReadOld(long maxBytes = DefaultMaxContentBytes) =>
        OpenOld() is { } stream ? FileContent.Read(stream, maxBytes) : null;

    public FileContent? ReadNew(long maxBytes = DefaultMaxContentBytes) =>
        OpenNew() is { } stream ? FileContent.Read(stream, maxBytes) : null;

    public override string ToString() => Kind switch
    {
        ChangeKind.Renamed or ChangeKind.Copied => $"{Kind} {OldPath} -> {NewPath} (+{AddedCount} -{RemovedCount})",
        _ => $"{Kind} {Path} (+{AddedCount} -{RemovedCount})",
    };

    private IEnumerable<DiffLine> Lines(DiffLineKind kind)
    {
        foreach (var hunk in Hunks)
        {
            foreach (var line in hunk.Lines)
            {
                if (line.Kind == kind)
                {
                    yield return line;
                }
            }
        }
    }
}
