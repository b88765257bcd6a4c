namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// Contents for a diff that applies to a directory on disk: the directory holds the old (base) side. New
/// contents are known for added files whose lines were all kept; otherwise they are not available.
/// </summary>
internal sealed class DirectoryContent : IChangeContent
{
    private readonly string _root;

    public DirectoryContent(string root)
    {
        _root = Path.GetFullPath(root);
        if (!Directory.Exists(_root))
        {
            throw new ChangeSetException($"the base directory '{root}' does not exist");
        }
    }

    public bool HasBase => true;

    public Stream? OpenOld(FileChange file) => file.OldPath is null ? null : OpenBase(file.OldPath);

    public Stream? OpenNew(FileChange file)
    {
        if (file.Kind != ChangeKind.Added || file.LinesTruncated || file.IsBinary)
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        foreach (var line in file.AddedLines)
        {
            text.Append(line.Text);
            if (line.HasCarriageReturn)
            {
                text.Append('\r');
            }

            text.Append('\n');
        }

        if (file.Hunks.Count > 0 && file.Hunks[^1].NewMissingNewlineAtEnd && text.Length > 0)
        {
            text.Length--;
        }

        return new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.ToString()), writable: false);
    }

    public Stream? OpenBase(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;   // outside the base directory (path-safety reports it) or absent
        }

        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
    }

    public IReadOnlyCollection<string>? ListNewTree() => null;
}
