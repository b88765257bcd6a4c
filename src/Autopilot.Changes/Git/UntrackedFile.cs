using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>
/// Turns an untracked file into an added <see cref="FileChange"/> by reading it from disk (never through
/// <c>git add</c>): one hunk of added lines, binary when a NUL shows in the first 8000 bytes (git's rule).
/// </summary>
internal static class UntrackedFile
{
    private const int BinarySniffBytes = 8000;

    public static FileChange Read(string root, string path, ChangeSetLimits limits, RetentionBudget budget)
    {
        if (path.EndsWith('/'))
        {
            // git lists a nested repository as "dir/": it is a submodule-to-be, not files.
            return new FileChange { Kind = ChangeKind.Added, NewPath = path.TrimEnd('/'), NewMode = GitFileMode.Submodule };
        }

        var full = Path.Combine(root, path);
        var info = new FileInfo(full);
        if (info.LinkTarget is { } target)
        {
            var line = new DiffLine(DiffLineKind.Added, 0, 1, target);
            return new FileChange
            {
                Kind = ChangeKind.Added,
                NewPath = path,
                NewMode = GitFileMode.Symlink,
                Hunks = [new Hunk { OldStart = 0, OldCount = 0, NewStart = 1, NewCount = 1, Lines = [line], NewMissingNewlineAtEnd = true }],
                AddedCount = 1,
            };
        }

        var mode = OperatingSystem.IsWindows() || (File.GetUnixFileMode(full) & UnixFileMode.UserExecute) == 0
            ? GitFileMode.Regular
            : GitFileMode.Executable;
        try
        {
            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan);
            if (HasNulInHead(stream))
            {
                return new FileChange { Kind = ChangeKind.Added, NewPath = path, NewMode = mode, IsBinary = true };
            }

            stream.Position = 0;
            return ReadLines(stream, path, mode, limits, budget);
        }
        catch (IOException ex)
        {
            throw new ChangeSetException($"cannot read the untracked file: {ex.Message}", path: path, inner: ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ChangeSetException($"cannot read the untracked file: {ex.Message}", path: path, inner: ex);
        }
    }

    /// <summary>git's rule for binary content: a NUL in the first 8000 bytes (read from the stream's position).</summary>
    private static bool HasNulInHead(Stream stream)
    {
        var head = new byte[BinarySniffBytes];
        var headLength = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head.AsSpan(0, headLength).Contains((byte)0);
    }

    private static FileChange ReadLines(Stream stream, string path, GitFileMode mode, ChangeSetLimits limits, RetentionBudget budget)
    {
        using var reader = new DiffTextReader(stream, limits.MaxLineBytes) { CurrentPath = path };
        var lines = new List<DiffLine>();
        var count = 0;
        long kept = 0;
        var truncated = false;
        var endsWithNewline = true;
        while (reader.TryRead(out var line))
        {
            count++;
            var cost = (line.Text.Length * 2L) + 32;
            if (!truncated && kept + cost <= limits.MaxBytesPerFile && budget.TryTake(cost))
            {
                kept += cost;
                lines.Add(new DiffLine(DiffLineKind.Added, 0, count, line.Text) { HasCarriageReturn = line.HasCr, IsTruncated = line.Truncated });
            }
            else
            {
                truncated = true;
            }
        }

        if (stream.Length > 0)
        {
            stream.Position = stream.Length - 1;
            endsWithNewline = stream.ReadByte() == '\n';
        }

        IReadOnlyList<Hunk> hunks = count == 0
            ? []
            : [new Hunk { OldStart = 0, OldCount = 0, NewStart = 1, NewCount = count, Lines = lines, NewMissingNewlineAtEnd = !endsWithNewline, LinesTruncated = truncated }];
        return new FileChange
        {
            Kind = ChangeKind.Added,
            NewPath = path,
            NewMode = mode,
            Hunks = hunks,
            AddedCount = count,
            LinesTruncated = truncated,
        };
    }
}
