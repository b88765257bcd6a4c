namespace Autopilot.Changes.ChangeSets;

/// <summary>One <c>@@ -a,b +c,d @@</c> block of a file's diff.</summary>
public sealed class Hunk
{
    public required int OldStart { get; init; }

    public required int OldCount { get; init; }

    public required int NewStart { get; init; }

    public required int NewCount { get; init; }

    /// <summary>Text after the closing <c>@@</c> (git puts the enclosing function there).</summary>
    public string Section { get; init; } = "";

    public required IReadOnlyList<DiffLine> Lines { get; init; }

    /// <summary>The old file's last line in this hunk had no newline (<c>\ No newline at end of file</c>).</summary>
    public bool OldMissingNewlineAtEnd { get; init; }

    public bool NewMissingNewlineAtEnd { get; init; }

    /// <summary>Some of the hunk's lines were counted but not kept (see <see cref="ChangeSetLimits"/>).</summary>
    public bool LinesTruncated { get; init; }
}
