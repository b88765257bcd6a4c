using System.Text;
using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>Where the new side of a git change set lives.</summary>
internal enum GitNewSide
{
    Commit,
    Index,
    WorkingTree,
}

/// <summary>
/// Whole contents for a git change set, read lazily: blobs through <c>git cat-file</c>, the working tree from
/// disk. Read-only: nothing here writes to the repository.
/// </summary>
internal sealed class GitContent : IChangeContent
{
    private readonly IGitRunner _git;
    private readonly string _root;
    private readonly string? _baseCommit;
    private readonly string? _newCommit;
    private readonly GitNewSide _newSide;
    private readonly IReadOnlyList<string> _untracked;

    public GitContent(IGitRunner git, string root, string? baseCommit, string? newCommit, GitNewSide newSide, IReadOnlyList<string>? untracked = null)
    {
        _git = git;
        _root = root;
        _baseCommit = baseCommit;
        _newCommit = newCommit;
        _newSide = newSide;
        _untracked = untracked ?? [];
    }

    public bool HasBase => _baseCommit is not null;

    public Stream? OpenOld(FileChange file)
    {
        if (file.OldPath is null || !file.OldMode.Exists)
        {
            return null;
        }

        if (file.OldMode.IsSubmodule)
        {
            return SubmoduleText(file.OldId);
        }

        return IsObjectId(file.OldId) ? CatBlob(file.OldId!) : _baseCommit is null ? null : OpenBase(file.OldPath);
    }

    public Stream? OpenNew(FileChange file)
    {
        if (file.NewPath is null || !file.NewMode.Exists)
        {
            return null;
        }

        if (file.NewMode.IsSubmodule)
        {
            return IsObjectId(file.NewId) ? SubmoduleText(file.NewId) : null;
        }

        if (IsObjectId(file.NewId))
        {
            return CatBlob(file.NewId!);
        }

        return _newSide == GitNewSide.WorkingTree ? OpenWorkingTreeFile(_root, file.NewPath) : null;
    }

    public Stream? OpenBase(string path)
    {
        if (_baseCommit is null)
        {
            return null;
        }

        // ls-tree tells "absent" from "failed" without guessing from cat-file's message.
        var entry = _git.Run(["ls-tree", "-z", "--full-tree", _baseCommit, "--", path]);
        if (!entry.Succeeded)
        {
            throw new ChangeSetException($"cannot list '{path}' at {_baseCommit}: {entry.Error.Trim()}");
        }

        var text = Encoding.UTF8.GetString(entry.Output).TrimEnd('\0');
        var tab = text.IndexOf('\t');
        if (tab < 0 || text[(tab + 1)..] != path)
        {
            return null;
        }

        var meta = text[..tab].Split(' ');
        return meta.Length == 3 && meta[1] == "blob" ? CatBlob(meta[2]) : null;
    }

    public IReadOnlyCollection<string>? ListNewTree()
    {
        GitResult result = _newSide == GitNewSide.Commit && _newCommit is not null
            ? _git.Run(["ls-tree", "-r", "-z", "--name-only", "--full-tree", _newCommit])
            : _git.Run(["ls-files", "-z", "--cached"]);
        if (!result.Succeeded)
        {
            throw new ChangeSetException($"cannot list the repository's files: {result.Error.Trim()}");
        }

        var paths = new List<string>();
        foreach (var token in Encoding.UTF8.GetString(result.Output).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            paths.Add(token);
        }

        if (_newSide == GitNewSide.WorkingTree)
        {
            paths.AddRange(_untracked);
        }

        return paths;
    }

    internal static Stream? OpenWorkingTreeFile(string root, string path)
    {
        var full = Path.Combine(root, path);
        var info = new FileInfo(full);
        if (info.LinkTarget is { } target)
        {
            return new MemoryStream(Encoding.UTF8.GetBytes(target), writable: false);
        }

        if (!info.Exists)
        {
            return null;
        }

        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
    }

    internal static bool IsObjectId(string? id) => !string.IsNullOrEmpty(id) && id.Any(c => c != '0');

    internal static MemoryStream? SubmoduleText(string? id) =>
        IsObjectId(id) ? new MemoryStream(Encoding.UTF8.GetBytes($"Subproject commit {id}\n"), writable: false) : null;

    private GitOutputStream CatBlob(string id) => _git.Start(["cat-file", "blob", id]);
}
