namespace Autopilot.Changes.ChangeSets;

public enum DiffLineKind : byte
{
    Context,
    Added,
    Removed,
}

/// <summary>
/// One line of a hunk. <see cref="OldLine"/> and <see cref="NewLine"/> are 1-based line numbers in the old
/// and new file (0 on the side where the line does not exist). <see cref="Text"/> has no line terminator;
/// <see cref="HasCarriageReturn"/> says the line ended in CRLF.
/// </summary>
public readonly record struct DiffLine(DiffLineKind Kind, int OldLine, int NewLine, string Text)
{
    public bool HasCarriageReturn { get; init; }

    /// <summary>The line was longer than the reader keeps; <see cref="Text"/> is its beginning only.</summary>
    public bool IsTruncated { get; init; }
}
