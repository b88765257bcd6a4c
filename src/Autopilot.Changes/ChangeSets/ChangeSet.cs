namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// The files of one change (a commit range, the index, the working tree, a patch) and, when the source has
/// them, the means to read whole contents and the tree after the change.
/// </summary>
public sealed class ChangeSet
{
    private readonly IChangeContent? _content;
    private IReadOnlyCollection<string>? _newTree;
    private bool _newTreeRead;

    public ChangeSet(IReadOnlyList<FileChange> files, string description, IChangeContent? content = null)
    {
        Files = files;
        Description = description;
        _content = content;
        foreach (var file in files)
        {
            file.Content ??= content;
        }
    }

    public IReadOnlyList<FileChange> Files { get; }

    /// <summary>Where the change came from, for messages (e.g. <c>git diff 1a2b..3c4d</c>, <c>patch.diff</c>).</summary>
    public string Description { get; }

    public int AddedCount => Files.Sum(f => f.AddedCount);

    public int RemovedCount => Files.Sum(f => f.RemovedCount);

    /// <summary>True when <see cref="OpenBase"/> can read the base version of files.</summary>
    public bool HasBase => _content?.HasBase == true;

    /// <summary>The base version of any path (changed or not); null when absent at the base or unknown.</summary>
    public Stream? OpenBase(string path) => _content?.OpenBase(path);

    /// <summary>All paths after the change, read once when first asked; null when the source does not know the tree.</summary>
    public IReadOnlyCollection<string>? NewTreePaths()
    {
        if (!_newTreeRead)
        {
            _newTree = _content?.ListNewTree();
            _newTreeRead = true;
        }

        return _newTree;
    }

    /// <summary>The same change without the files <paramref name="drop"/> picks (same contents and trees).</summary>
    public ChangeSet Without(Func<FileChange, bool> drop) => new(Files.Where(f => !drop(f)).ToList(), Description, _content);

    public override string ToString() => $"{Description}: {Files.Count} files, +{AddedCount} -{RemovedCount}";
}
