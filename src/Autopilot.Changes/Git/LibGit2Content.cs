using Autopilot.Changes.ChangeSets;
using LibGit2Sharp;

namespace Autopilot.Changes.Git;

/// <summary>
/// Whole contents for a change set read through libgit2, lazily: blobs from the object database (raw, as
/// <c>git cat-file blob</c> gives them), the working tree from disk. Read-only.
/// </summary>
internal sealed class LibGit2Content : IChangeContent
{
    private readonly LibGit2ChangeReader _reader;
    private readonly Commit? _baseCommit;
    private readonly Commit? _newCommit;
    private readonly IReadOnlyList<string> _untracked;

    public LibGit2Content(LibGit2ChangeReader reader, Commit? baseCommit, Commit? newCommit, GitNewSide newSide, IReadOnlyList<string>? untracked = null)
    {
        _reader = reader;
        _baseCommit = baseCommit;
        _newCommit = newCommit;
        NewSide = newSide;
        _untracked = untracked ?? [];
    }

    public GitNewSide NewSide { get; }

    public bool HasBase => _baseCommit is not null;

    public Stream? OpenOld(FileChange file)
    {
        if (file.OldPath is null || !file.OldMode.Exists)
        {
            return null;
        }

        if (file.OldMode.IsSubmodule)
        {
            return GitContent.SubmoduleText(file.OldId);
        }

        return GitContent.IsObjectId(file.OldId) ? OpenBlob(new ObjectId(file.OldId)) : OpenBase(file.OldPath);
    }

    public Stream? OpenNew(FileChange file)
    {
        if (file.NewPath is null || !file.NewMode.Exists)
        {
            return null;
        }

        if (file.NewMode.IsSubmodule)
        {
            return GitContent.SubmoduleText(file.NewId);
        }

        if (GitContent.IsObjectId(file.NewId))
        {
            return OpenBlob(new ObjectId(file.NewId));
        }

        return NewSide == GitNewSide.WorkingTree ? GitContent.OpenWorkingTreeFile(_reader.RepositoryRoot, file.NewPath) : null;
    }

    public Stream? OpenBase(string path)
    {
        if (_baseCommit is null)
        {
            return null;
        }

        return _reader.Locked<Stream?>(_ =>
        {
            var entry = _baseCommit[path];
            return entry is { TargetType: TreeEntryTargetType.Blob, Target: Blob blob } ? blob.GetContentStream() : null;
        });
    }

    public IReadOnlyCollection<string>? ListNewTree()
    {
        return _reader.Locked(repo =>
        {
            var paths = new List<string>();
            if (NewSide == GitNewSide.Commit && _newCommit is not null)
            {
                AddTree(_newCommit.Tree, paths);
            }
            else
            {
                paths.AddRange(repo.Index.Select(e => LibGit2ChangeReader.GitPath(e.Path)));
            }

            if (NewSide == GitNewSide.WorkingTree)
            {
                paths.AddRange(_untracked);
            }

            return paths;
        });
    }

    /// <summary>A blob's raw bytes; null for the zero id or an object that is not there.</summary>
    private Stream? OpenBlob(ObjectId id) =>
        id == ObjectId.Zero ? null : _reader.Locked(repo => repo.Lookup<Blob>(id)?.GetContentStream());

    private static void AddTree(Tree tree, List<string> paths)
    {
        // Like `git ls-tree -r`: files, symlinks and submodules, not the directories themselves.
        foreach (var entry in tree)
        {
            if (entry.TargetType == TreeEntryTargetType.Tree)
            {
                AddTree((Tree)entry.Target, paths);
            }
            else
            {
                paths.Add(LibGit2ChangeReader.GitPath(entry.Path));
            }
        }
    }
}
