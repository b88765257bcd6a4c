using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// Parses unified diff text — git's (<c>diff --git</c> with its extended headers: modes, renames, copies,
/// binary, submodules) and plain <c>diff -u</c> output — into a <see cref="ChangeSet"/>. Streams the input;
/// a malformed diff raises <see cref="ChangeSetException"/> with the diff's line number.
/// </summary>
internal static partial class UnifiedDiffParser
{
    /// <summary>Parses diff text held in a string.</summary>
    public static ChangeSet Parse(string text, ChangeSetLimits? limits = null, IChangeContent? content = null, string description = "unified diff")
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false);
        return Parse(stream, limits, content, description);
    }

    /// <summary>Parses diff text from a stream (a file, stdin), reading it once, front to back.</summary>
    public static ChangeSet Parse(Stream stream, ChangeSetLimits? limits = null, IChangeContent? content = null, string description = "unified diff")
    {
        ArgumentNullException.ThrowIfNull(stream);
        limits ??= ChangeSetLimits.Default;
        var files = new List<FileChange>();
        var sawText = false;
        foreach (var patch in ReadPatches(stream, limits, new RetentionBudget(limits.MaxTotalBytes), () => sawText = true))
        {
            if (files.Count >= limits.MaxFiles)
            {
                throw new ChangeSetException($"the change has more than {limits.MaxFiles} files; split it into smaller changes");
            }

            files.Add(patch.ToFileChange());
        }

        if (files.Count == 0 && sawText)
        {
            throw new ChangeSetException("no file diff found: expected 'diff --git' or '---'/'+++' headers followed by '@@' hunks");
        }

        return new ChangeSet(files, description, content);
    }

    /// <summary>
    /// Parses a diff file. <paramref name="baseDirectory"/>, when given, is the tree the diff applies to: old
    /// contents (and base hashes) are read from it.
    /// </summary>
    public static ChangeSet ParseFile(string path, string? baseDirectory = null, ChangeSetLimits? limits = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ChangeSetException($"cannot read the diff file: {ex.Message}", path: path, inner: ex);
        }

        using (stream)
        {
            var content = baseDirectory is null ? null : new DirectoryContent(baseDirectory);
            return Parse(stream, limits, content, path);
        }
    }

    internal static IEnumerable<FilePatch> ReadPatches(Stream stream, ChangeSetLimits limits, RetentionBudget budget, Action? onText = null)
    {
        using var reader = new DiffTextReader(stream, limits.MaxLineBytes);
        FilePatch? current = null;
        var justEndedHunk = 0;
        while (reader.TryRead(out var line))
        {
            var text = line.Text;
            if (onText is not null && !string.IsNullOrWhiteSpace(text))
            {
                onText();
                onText = null;
            }

            var afterHunk = justEndedHunk;
            justEndedHunk = 0;

            if (text.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    yield return Finish(current, reader);
                }

                current = StartGitFile(text, line.Number);
                reader.CurrentPath = current.NewPath ?? current.OldPath;
                continue;
            }

            if (text.StartsWith("diff --cc ", StringComparison.Ordinal) || text.StartsWith("diff --combined ", StringComparison.Ordinal))
            {
                throw new ChangeSetException("combined (merge) diffs are not supported: diff the merge against one parent", line.Number);
            }

            if (text.StartsWith("--- ", StringComparison.Ordinal) && reader.TryPeek(out var next) && next.Text.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var continuesGitHeader = current is { IsGit: true, SeenFileHeader: false } && current.Hunks.Count == 0 && !current.IsBinary;
                if (!continuesGitHeader)
                {
                    if (current is not null)
                    {
                        yield return Finish(current, reader);
                    }

                    current = new FilePatch { DiffLine = line.Number };
                }

                reader.TryRead(out _);
                ReadFileHeader(current!, text[4..], next.Text[4..], line.Number);
                reader.CurrentPath = current!.NewPath ?? current.OldPath;
                continue;
            }

            if (text.StartsWith("@@", StringComparison.Ordinal))
            {
                if (current is null || !(current.SeenFileHeader || current.IsGit))
                {
                    throw new ChangeSetException("a hunk header '@@' comes before any file header ('diff --git' or '---'/'+++')", line.Number);
                }

                ReadHunk(reader, current, line, limits, budget);
                justEndedHunk = line.Number;
                continue;
            }

            if (current is { IsGit: true, SeenFileHeader: false } && current.Hunks.Count == 0)
            {
                ReadExtendedHeader(reader, current, line);
                continue;
            }

            if (text.StartsWith("Binary files ", StringComparison.Ordinal) && text.EndsWith(" differ", StringComparison.Ordinal))
            {
                // `diff -r` output for binary files, with no file header of its own.
                if (current is not null)
                {
                    yield return Finish(current, reader);
                }

                current = PlainBinaryFile(text, line.Number);
                continue;
            }

            if (afterHunk > 0 && text.Length > 0 && (text[0] == '+' || (text[0] == '-' && text != "-- " && text != "--")))
            {
                throw new ChangeSetException($"the hunk that starts at line {afterHunk} has more lines than its '@@' header counts", line.Number, current?.NewPath ?? current?.OldPath);
            }

            // Anything else (commit message, e-mail headers, "Only in ..." lines) is not part of a file's diff.
        }

        if (current is not null)
        {
            yield return Finish(current, reader);
        }
    }

    private static FilePatch StartGitFile(string text, int lineNumber)
    {
        var patch = new FilePatch { DiffLine = lineNumber, IsGit = true };
        try
        {
            if (GitPathText.SplitGitHeader(text["diff --git ".Length..]) is var (oldPath, newPath))
            {
                patch.OldPath = GitPathText.StripPrefix(oldPath, 'a');
                patch.NewPath = GitPathText.StripPrefix(newPath, 'b');
            }
        }
        catch (FormatException ex)
        {
            throw new ChangeSetException(ex.Message, lineNumber);
        }

        return patch;
    }

    private static void ReadFileHeader(FilePatch patch, string oldText, string newText, int lineNumber)
    {
        string oldPath;
        string newPath;
        try
        {
            oldPath = GitPathText.HeaderPath(oldText);
            newPath = GitPathText.HeaderPath(newText);
        }
        catch (FormatException ex)
        {
            throw new ChangeSetException(ex.Message, lineNumber);
        }

        patch.SeenFileHeader = true;
        var oldNull = oldPath == "/dev/null";
        var newNull = newPath == "/dev/null";
        if (oldNull && newNull)
        {
            throw new ChangeSetException("both sides of the file header are /dev/null", lineNumber);
        }

        if (patch.IsGit)
        {
            if (!oldNull)
            {
                patch.OldPath = GitPathText.StripPrefix(oldPath, 'a');
            }

            if (!newNull)
            {
                patch.NewPath = GitPathText.StripPrefix(newPath, 'b');
            }
        }
        else
        {
            // Plain `diff -u old/x new/x` or `a/x b/x`: drop the first component when the two sides differ there
            // (what `patch -p1` does); a plain diff names one file, so both sides take the new name.
            (oldPath, newPath) = StripPlainPrefixes(oldNull ? null : oldPath, newNull ? null : newPath);
            patch.OldPath = oldNull ? newPath : newNull ? oldPath : newPath;
            patch.NewPath = newNull ? oldPath : newPath;
        }

        patch.IsNew |= oldNull;
        patch.IsDeleted |= newNull;
        if (patch.IsNew && !patch.NewMode.Exists)
        {
            patch.NewMode = GitFileMode.Regular;
        }

        if (patch.IsDeleted && !patch.OldMode.Exists)
        {
            patch.OldMode = GitFileMode.Regular;
        }

        if (!patch.IsNew && !patch.IsDeleted)
        {
            patch.OldMode = patch.OldMode.Exists ? patch.OldMode : GitFileMode.Regular;
            patch.NewMode = patch.NewMode.Exists ? patch.NewMode : patch.OldMode;
        }
    }

    private static (string Old, string New) StripPlainPrefixes(string? oldPath, string? newPath)
    {
        static string Strip(string path) => path.IndexOf('/') is var slash and > 0 ? path[(slash + 1)..] : path;
        if (oldPath is not null && newPath is not null)
        {
            var oldSlash = oldPath.IndexOf('/');
            var newSlash = newPath.IndexOf('/');
            if (oldSlash > 0 && newSlash > 0 && !oldPath.AsSpan(0, oldSlash).SequenceEqual(newPath.AsSpan(0, newSlash)))
            {
                return (Strip(oldPath), Strip(newPath));
            }

            return (oldPath, newPath);
        }

        // One side is /dev/null: strip a conventional a/ or b/ only.
        var only = GitPathText.StripPrefix(GitPathText.StripPrefix(oldPath ?? newPath!, 'a'), 'b');
        return (only, only);
    }

    private static void ReadExtendedHeader(DiffTextReader reader, FilePatch patch, TextLine line)
    {
        var text = line.Text;
        try
        {
            if (TryValue(text, "old mode ", out var value))
            {
                patch.OldMode = ParseMode(value, line.Number);
            }
            else if (TryValue(text, "new mode ", out value))
            {
                patch.NewMode = ParseMode(value, line.Number);
            }
            else if (TryValue(text, "deleted file mode ", out value))
            {
                patch.IsDeleted = true;
                patch.OldMode = ParseMode(value, line.Number);
            }
            else if (TryValue(text, "new file mode ", out value))
            {
                patch.IsNew = true;
                patch.NewMode = ParseMode(value, line.Number);
            }
            else if (TryValue(text, "rename from ", out value))
            {
                patch.IsRename = true;
                patch.OldPath = GitPathText.Unquote(value, out _);
            }
            else if (TryValue(text, "rename to ", out value))
            {
                patch.IsRename = true;
                patch.NewPath = GitPathText.Unquote(value, out _);
            }
            else if (TryValue(text, "copy from ", out value))
            {
                patch.IsCopy = true;
                patch.OldPath = GitPathText.Unquote(value, out _);
            }
            else if (TryValue(text, "copy to ", out value))
            {
                patch.IsCopy = true;
                patch.NewPath = GitPathText.Unquote(value, out _);
            }
            else if (TryValue(text, "similarity index ", out value) || TryValue(text, "dissimilarity index ", out value))
            {
                if (int.TryParse(value.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var score))
                {
                    patch.Similarity = text[0] == 'd' ? 100 - score : score;
                }
            }
            else if (TryValue(text, "index ", out value))
            {
                ReadIndexLine(patch, value, line.Number);
            }
            else if (text.StartsWith("Binary files ", StringComparison.Ordinal))
            {
                patch.IsBinary = true;
            }
            else if (text == "GIT binary patch")
            {
                // Base-85 payload: skip it up to the next file.
                patch.IsBinary = true;
                while (reader.TryPeek(out var next) && !next.Text.StartsWith("diff --git ", StringComparison.Ordinal))
                {
                    reader.TryRead(out _);
                }
            }

            // Other lines in a git header are ignored: newer git versions may add some.
        }
        catch (FormatException ex)
        {
            throw new ChangeSetException(ex.Message, line.Number, patch.NewPath ?? patch.OldPath);
        }
    }

    private static void ReadIndexLine(FilePatch patch, string value, int lineNumber)
    {
        // "abc123..def456" or "abc123..def456 100644"
        var space = value.IndexOf(' ');
        var ids = space >= 0 ? value[..space] : value;
        var dots = ids.IndexOf("..", StringComparison.Ordinal);
        if (dots > 0)
        {
            patch.OldId = ids[..dots];
            patch.NewId = ids[(dots + 2)..];
        }

        if (space >= 0)
        {
            var mode = ParseMode(value[(space + 1)..], lineNumber);
            patch.OldMode = patch.OldMode.Exists ? patch.OldMode : mode;
            patch.NewMode = patch.NewMode.Exists ? patch.NewMode : mode;
        }
    }

    private static FilePatch PlainBinaryFile(string text, int lineNumber)
    {
        var body = text["Binary files ".Length..^" differ".Length];
        var and = body.IndexOf(" and ", StringComparison.Ordinal);
        var oldPath = and > 0 ? body[..and] : body;
        var newPath = and > 0 ? body[(and + 5)..] : body;
        var patch = new FilePatch { DiffLine = lineNumber, IsBinary = true, SeenFileHeader = true };
        ReadFileHeaderPaths(patch, oldPath, newPath);
        return patch;
    }

    private static void ReadFileHeaderPaths(FilePatch patch, string oldPath, string newPath)
    {
        var oldNull = oldPath == "/dev/null";
        var newNull = newPath == "/dev/null";
        (oldPath, newPath) = StripPlainPrefixes(oldNull ? null : oldPath, newNull ? null : newPath);
        patch.OldPath = newNull ? oldPath : newPath;
        patch.NewPath = newNull ? oldPath : newPath;
        patch.IsNew = oldNull;
        patch.IsDeleted = newNull;
        patch.OldMode = oldNull ? GitFileMode.None : GitFileMode.Regular;
        patch.NewMode = newNull ? GitFileMode.None : GitFileMode.Regular;
    }

    private static void ReadHunk(DiffTextReader reader, FilePatch patch, TextLine header, ChangeSetLimits limits, RetentionBudget budget)
    {
        if (header.Text.StartsWith("@@@", StringComparison.Ordinal))
        {
            throw new ChangeSetException("combined (merge) hunks '@@@' are not supported", header.Number, patch.NewPath);
        }

        var match = HunkHeader().Match(header.Text);
        if (!match.Success
            || !TryCount(match.Groups[1], 0, out var oldStart) || !TryCount(match.Groups[2], 1, out var oldCount)
            || !TryCount(match.Groups[3], 0, out var newStart) || !TryCount(match.Groups[4], 1, out var newCount))
        {
            throw new ChangeSetException($"malformed hunk header '{Shorten(header.Text)}': expected '@@ -start[,count] +start[,count] @@'", header.Number, patch.NewPath ?? patch.OldPath);
        }

        var lines = new List<DiffLine>(Math.Min(oldCount + newCount, 1024));
        var oldLine = oldCount == 0 ? oldStart + 1 : oldStart;
        var newLine = newCount == 0 ? newStart + 1 : newStart;
        var oldLeft = oldCount;
        var newLeft = newCount;
        var oldNoNewline = false;
        var newNoNewline = false;
        var truncated = false;
        DiffLineKind? last = null;
        while (oldLeft > 0 || newLeft > 0)
        {
            if (!reader.TryRead(out var line))
            {
                throw new ChangeSetException(
                    $"the diff ends inside the hunk that starts at line {header.Number}: {oldLeft} old and {newLeft} new lines are missing (truncated diff?)",
                    reader.LineNumber + 1,
                    patch.NewPath ?? patch.OldPath);
            }

            var text = line.Text;
            var kind = text.Length == 0 ? DiffLineKind.Context : text[0] switch
            {
                ' ' => DiffLineKind.Context,
                '+' => DiffLineKind.Added,
                '-' => DiffLineKind.Removed,
                '\\' => (DiffLineKind)255,
                _ => throw new ChangeSetException(
                    $"unexpected line in the hunk that starts at line {header.Number} ('{Shorten(text)}'): hunk lines start with ' ', '+', '-' or '\\'; {oldLeft} old and {newLeft} new lines were still expected",
                    line.Number,
                    patch.NewPath ?? patch.OldPath),
            };

            if ((byte)kind == 255)
            {
                MarkNoNewline(last, ref oldNoNewline, ref newNoNewline);
                continue;
            }

            if ((kind != DiffLineKind.Added && oldLeft == 0) || (kind != DiffLineKind.Removed && newLeft == 0))
            {
                throw new ChangeSetException(
                    $"the hunk that starts at line {header.Number} has more {(kind == DiffLineKind.Added ? "new" : "old")} lines than its header counts",
                    line.Number,
                    patch.NewPath ?? patch.OldPath);
            }

            var content = text.Length == 0 ? "" : text[1..];
            var diffLine = new DiffLine(
                kind,
                kind == DiffLineKind.Added ? 0 : oldLine,
                kind == DiffLineKind.Removed ? 0 : newLine,
                content)
            { HasCarriageReturn = line.HasCr, IsTruncated = line.Truncated };

            var cost = (content.Length * 2L) + 32;
            if (!patch.LinesTruncated && patch.KeptBytes + cost <= limits.MaxBytesPerFile && budget.TryTake(cost))
            {
                patch.KeptBytes += cost;
                lines.Add(diffLine);
            }
            else
            {
                patch.LinesTruncated = true;
                truncated = true;
            }

            switch (kind)
            {
                case DiffLineKind.Context:
                    oldLine++;
                    newLine++;
                    oldLeft--;
                    newLeft--;
                    break;
                case DiffLineKind.Added:
                    newLine++;
                    newLeft--;
                    patch.Added++;
                    break;
                default:
                    oldLine++;
                    oldLeft--;
                    patch.Removed++;
                    break;
            }

            last = kind;
        }

        // A "\ No newline at end of file" may follow the hunk's last line.
        while (reader.TryPeek(out var after) && after.Text.StartsWith('\\'))
        {
            reader.TryRead(out _);
            MarkNoNewline(last, ref oldNoNewline, ref newNoNewline);
        }

        lines.TrimExcess();
        patch.Hunks.Add(new Hunk
        {
            OldStart = oldStart,
            OldCount = oldCount,
            NewStart = newStart,
            NewCount = newCount,
            Section = match.Groups[5].Value.TrimStart(),
            Lines = lines,
            OldMissingNewlineAtEnd = oldNoNewline,
            NewMissingNewlineAtEnd = newNoNewline,
            LinesTruncated = truncated,
        });
    }

    private static void MarkNoNewline(DiffLineKind? last, ref bool oldNoNewline, ref bool newNoNewline)
    {
        switch (last)
        {
            case DiffLineKind.Added:
                newNoNewline = true;
                break;
            case DiffLineKind.Removed:
                oldNoNewline = true;
                break;
            case DiffLineKind.Context:
                oldNoNewline = true;
                newNoNewline = true;
                break;
        }
    }

    private static FilePatch Finish(FilePatch patch, DiffTextReader reader)
    {
        if (patch.OldPath is null && patch.NewPath is null)
        {
            throw new ChangeSetException("cannot tell the file's path from its 'diff --git' header (add '---'/'+++' lines or quote the paths)", patch.DiffLine);
        }

        if (patch.IsGit)
        {
            patch.OldPath ??= patch.NewPath;
            patch.NewPath ??= patch.OldPath;
            if (!patch.OldMode.Exists && !patch.IsNew)
            {
                patch.OldMode = patch.NewMode.Exists ? patch.NewMode : GitFileMode.Regular;
            }

            if (!patch.NewMode.Exists && !patch.IsDeleted)
            {
                patch.NewMode = patch.OldMode.Exists ? patch.OldMode : GitFileMode.Regular;
            }
        }

        reader.CurrentPath = null;
        return patch;
    }

    private static bool TryValue(string text, string prefix, out string value)
    {
        if (text.StartsWith(prefix, StringComparison.Ordinal))
        {
            value = text[prefix.Length..];
            return true;
        }

        value = "";
        return false;
    }

    private static GitFileMode ParseMode(string value, int lineNumber) =>
        GitFileMode.TryParse(value.Trim(), out var mode)
            ? mode
            : throw new ChangeSetException($"'{Shorten(value)}' is not a git file mode (octal, like 100644)", lineNumber);

    private static bool TryCount(Group group, int missing, out int value)
    {
        if (!group.Success)
        {
            value = missing;
            return true;
        }

        return int.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value < int.MaxValue / 2;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex HunkHeader();
}

/// <summary>Line text the readers may still keep across a whole change set.</summary>
internal sealed class RetentionBudget(long total)
{
    private long _left = total;

    public bool TryTake(long bytes)
    {
        if (_left < bytes)
        {
            return false;
        }

        _left -= bytes;
        return true;
    }
}
