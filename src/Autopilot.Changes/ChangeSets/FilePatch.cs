namespace Autopilot.Changes.ChangeSets;

/// <summary>What the diff text says about one file, gathered while parsing; becomes a <see cref="FileChange"/>.</summary>
internal sealed class FilePatch
{
    public int DiffLine { get; init; }

    public bool IsGit { get; init; }

    public string? OldPath { get; set; }

    public string? NewPath { get; set; }

    public bool SeenFileHeader { get; set; }

    public bool IsNew { get; set; }

    public bool IsDeleted { get; set; }

    public bool IsRename { get; set; }

    public bool IsCopy { get; set; }

    public int? Similarity { get; set; }

    public GitFileMode OldMode { get; set; }

    public GitFileMode NewMode { get; set; }

    public string? OldId { get; set; }

    public string? NewId { get; set; }

    public bool IsBinary { get; set; }

    public List<Hunk> Hunks { get; } = [];

    public int Added { get; set; }

    public int Removed { get; set; }

    public bool LinesTruncated { get; set; }

    public long KeptBytes { get; set; }

    /// <summary>Key to pair a patch with git's raw record: the new path, or the old one for a deletion.</summary>
    public string Key => (IsDeleted ? OldPath : NewPath ?? OldPath) ?? "";

    public ChangeKind InferKind()
    {
        if (IsNew)
        {
            return ChangeKind.Added;
        }

        if (IsDeleted)
        {
            return ChangeKind.Deleted;
        }

        if (IsRename)
        {
            return ChangeKind.Renamed;
        }

        if (IsCopy)
        {
            return ChangeKind.Copied;
        }

        if (OldMode.Exists && NewMode.Exists && (OldMode.Value & 0xF000) != (NewMode.Value & 0xF000))
        {
            return ChangeKind.TypeChanged;
        }

        return ChangeKind.Modified;
    }

    public FileChange ToFileChange() => new()
    {
        Kind = InferKind(),
        OldPath = IsNew ? null : OldPath,
        NewPath = IsDeleted ? null : NewPath,
        OldMode = IsNew ? GitFileMode.None : OldMode,
        NewMode = IsDeleted ? GitFileMode.None : NewMode,
        OldId = OldId,
        NewId = NewId,
        Similarity = Similarity,
        IsBinary = IsBinary,
        Hunks = Hunks,
        AddedCount = Added,
        RemovedCount = Removed,
        LinesTruncated = LinesTruncated,
        DiffLine = DiffLine,
    };
}
