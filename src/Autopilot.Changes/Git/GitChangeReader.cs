using System.Text;
using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>
/// <see cref="IGitChangeReader"/> over the git command line. Two read-only commands per change set: the file list
/// from <c>git diff --raw -z</c> (exact paths, modes, blob ids, rename/copy status) and the hunks from a streamed
/// <c>git diff -p</c>, paired by path. Untracked files are read from disk. Errors (not a repository, unknown
/// revision, missing history in a shallow clone) are <see cref="ChangeSetException"/>s that say what to do.
/// The gate reads through <see cref="LibGit2ChangeReader"/> by default, which hands this reader what libgit2
/// does not do as git does; <see cref="GitReaders"/> chooses.
/// </summary>
internal sealed class GitChangeReader : IGitChangeReader
{
    private static readonly string[] s_diffOptions =
        ["--no-ext-diff", "--no-textconv", "--no-relative", "--find-renames", "--find-copies", "--ignore-submodules=none"];

    private readonly IGitRunner _git;
    private readonly ChangeSetLimits _limits;

    private GitChangeReader(IGitRunner git, string root, ChangeSetLimits limits)
    {
        _git = git;
        RepositoryRoot = root;
        _limits = limits;
    }

    public string RepositoryRoot { get; }

    /// <summary>Opens the repository that contains <paramref name="path"/>.</summary>
    public static GitChangeReader Open(string path, ChangeSetLimits? limits = null, string gitExecutable = "git")
    {
        if (!Directory.Exists(path))
        {
            throw new ChangeSetException($"the directory '{path}' does not exist");
        }

        var probe = new GitCli(Path.GetFullPath(path), gitExecutable);
        var result = probe.Run(["rev-parse", "--show-toplevel"]);
        if (!result.Succeeded)
        {
            var error = result.Error.Trim();
            throw new ChangeSetException(error.Contains("not a git repository", StringComparison.OrdinalIgnoreCase)
                ? $"'{path}' is not inside a git repository: run Autopilot from the repository, or pass its path"
                : $"cannot use '{path}' as a git repository: {error}");
        }

        var root = result.Text.Trim();
        return new GitChangeReader(new GitCli(root, gitExecutable), root, limits ?? ChangeSetLimits.Default);
    }

    /// <summary>Uses a given runner (its working directory is taken as the repository root).</summary>
    public static GitChangeReader Open(IGitRunner runner, ChangeSetLimits? limits = null) =>
        new(runner, runner.WorkingDirectory, limits ?? ChangeSetLimits.Default);

    public ChangeSet ReadRange(string from, string to)
    {
        var fromId = ResolveCommit(from);
        var toId = ResolveCommit(to);
        var content = new GitContent(_git, RepositoryRoot, fromId, toId, GitNewSide.Commit);
        return ReadDiff([fromId, toId], $"git diff {from}..{to}", content);
    }

    public ChangeSet ReadSinceMergeBase(string branch, string head = "HEAD")
    {
        var branchId = ResolveCommit(branch);
        var headId = ResolveCommit(head);
        var result = _git.Run(["merge-base", branchId, headId]);
        if (!result.Succeeded || result.Text.Trim().Length == 0)
        {
            throw new ChangeSetException(IsShallow()
                ? $"no merge base of '{branch}' and '{head}' in this shallow clone: fetch more history (git fetch --unshallow, or --deepen=N)"
                : $"'{branch}' and '{head}' have no common ancestor: compare with a branch that shares history");
        }

        var baseId = result.Text.Trim();
        var content = new GitContent(_git, RepositoryRoot, baseId, headId, GitNewSide.Commit);
        return ReadDiff([baseId, headId], $"git diff {branch}...{head}", content);
    }

    public ChangeSet ReadStaged()
    {
        var head = TryResolveCommit("HEAD");
        var baseRef = head ?? EmptyTree();
        var content = new GitContent(_git, RepositoryRoot, head, null, GitNewSide.Index);
        return ReadDiff(["--cached", baseRef], "git diff --cached", content);
    }

    public ChangeSet ReadWorkingTree(bool includeUntracked = true) => ReadWorkingTreeAgainst(null, includeUntracked);

    /// <summary>The working tree (with untracked files) against the merge base of HEAD and <paramref name="branch"/>:
    /// everything this line of work changed, committed or not. Without a branch, against HEAD.</summary>
    public ChangeSet ReadWorkingTreeAgainst(string? branch, bool includeUntracked = true)
    {
        var head = TryResolveCommit("HEAD");
        if (branch is not null && head is not null)
        {
            var branchId = ResolveCommit(branch);
            var mergeBase = _git.Run(["merge-base", branchId, head]);
            if (!mergeBase.Succeeded || mergeBase.Text.Trim().Length == 0)
            {
                throw new ChangeSetException(IsShallow()
                    ? $"no merge base of '{branch}' and HEAD in this shallow clone: fetch more history (git fetch --unshallow, or --deepen=N)"
                    : $"'{branch}' and HEAD have no common ancestor: compare with a branch that shares history");
            }

            head = mergeBase.Text.Trim();
        }

        var baseRef = head ?? EmptyTree();
        List<string> untracked = [];
        if (includeUntracked)
        {
            var listed = _git.Run(["ls-files", "--others", "--exclude-standard", "-z"]);
            EnsureSucceeded(listed, "list untracked files");
            untracked = [.. SplitPaths(listed.Output)];
        }

        var content = new GitContent(_git, RepositoryRoot, head, null, GitNewSide.WorkingTree, untracked);
        return ReadDiff([baseRef], includeUntracked ? "git working tree (with untracked files)" : "git working tree", content, untracked);
    }

    private ChangeSet ReadDiff(string[] revisions, string description, GitContent content, IReadOnlyList<string>? untracked = null)
    {
        var raw = _git.Run(["diff", "--raw", "-z", "--no-abbrev", .. s_diffOptions, .. revisions, "--"]);
        EnsureSucceeded(raw, "list the changed files");
        var records = GitRawRecord.ParseAll(raw.Output);
        if (records.Count + (untracked?.Count ?? 0) > _limits.MaxFiles)
        {
            throw new ChangeSetException($"the change has {records.Count + (untracked?.Count ?? 0)} files, more than the limit of {_limits.MaxFiles}: split it into smaller changes");
        }

        var budget = new RetentionBudget(_limits.MaxTotalBytes);
        var patches = new Dictionary<string, List<FilePatch>>(StringComparer.Ordinal);
        using (var patch = _git.Start(["diff", "-p", "--src-prefix=a/", "--dst-prefix=b/", "--submodule=short", .. s_diffOptions, .. revisions, "--"]))
        {
            foreach (var filePatch in UnifiedDiffParser.ReadPatches(patch, _limits, budget))
            {
                if (!patches.TryGetValue(filePatch.Key, out var list))
                {
                    patches[filePatch.Key] = list = [];
                }

                list.Add(filePatch);
            }
        }

        var files = new List<FileChange>(records.Count + (untracked?.Count ?? 0));
        foreach (var record in records)
        {
            patches.Remove(record.Key, out var matching);
            files.Add(Combine(record, matching));
        }

        foreach (var path in untracked ?? [])
        {
            files.Add(UntrackedFile.Read(RepositoryRoot, path, _limits, budget));
        }

        return new ChangeSet(files, description, content);
    }

    private static FileChange Combine(GitRawRecord record, List<FilePatch>? patches)
    {
        // A type change (file -> symlink) comes as two patches for one path: a deletion and an addition.
        var hunks = new List<Hunk>();
        int added = 0, removed = 0;
        bool binary = false, truncated = false;
        var diffLine = 0;
        foreach (var patch in patches ?? [])
        {
            hunks.AddRange(patch.Hunks);
            added += patch.Added;
            removed += patch.Removed;
            binary |= patch.IsBinary;
            truncated |= patch.LinesTruncated;
            diffLine = diffLine == 0 ? patch.DiffLine : diffLine;
        }

        return new FileChange
        {
            Kind = record.Kind,
            OldPath = record.OldPath,
            NewPath = record.NewPath,
            OldMode = record.OldMode,
            NewMode = record.NewMode,
            OldId = record.OldId,
            NewId = record.NewId,
            Similarity = record.Status is 'R' or 'C' ? record.Score : null,
            IsBinary = binary,
            Hunks = hunks,
            AddedCount = added,
            RemovedCount = removed,
            LinesTruncated = truncated,
            DiffLine = diffLine,
        };
    }

    private string ResolveCommit(string revision) =>
        TryResolveCommit(revision) ?? throw new ChangeSetException(IsShallow()
            ? $"the revision '{revision}' is not in this shallow clone: fetch it or more history (git fetch --unshallow, or git fetch origin {revision})"
            : $"unknown revision '{revision}': check the name (git branch -a, git log), or fetch it (git fetch origin {revision})");

    /// <summary>
    /// The branch changes are judged against when none is named: the remote's default (origin/HEAD),
    /// else a local main or master; null when there is none (then the working tree is judged against HEAD).
    /// </summary>
    public string? DefaultBranch()
    {
        var remote = _git.Run(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"]);
        if (remote.Succeeded && remote.Text.Trim() is { Length: > 0 } name)
        {
            return name.Replace("refs/remotes/", "", StringComparison.Ordinal);
        }

        foreach (var candidate in new[] { "main", "master" })
        {
            if (TryResolveCommit("refs/heads/" + candidate) is not null)
            {
                return candidate;
            }
        }

        return null;
    }

    private string? TryResolveCommit(string revision)
    {
        if (string.IsNullOrWhiteSpace(revision) || revision.StartsWith('-') || revision.Contains('\0'))
        {
            throw new ChangeSetException($"'{revision}' is not a revision name");
        }

        var result = _git.Run(["rev-parse", "--verify", "--quiet", revision + "^{commit}"]);
        return result.Succeeded ? result.Text.Trim() : null;
    }

    private bool IsShallow()
    {
        var result = _git.Run(["rev-parse", "--is-shallow-repository"]);
        return result.Succeeded && result.Text.Trim() == "true";
    }

    private string EmptyTree()
    {
        // The empty tree's id depends on the object format (sha1/sha256); hashing without -w writes nothing.
        var result = _git.Run(["hash-object", "-t", "tree", "/dev/null"]);
        EnsureSucceeded(result, "compute the empty tree");
        return result.Text.Trim();
    }

    private static void EnsureSucceeded(GitResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new ChangeSetException($"git could not {what}: {result.Error.Trim()}");
        }
    }

    private static IEnumerable<string> SplitPaths(byte[] output) =>
        Encoding.UTF8.GetString(output).Split('\0', StringSplitOptions.RemoveEmptyEntries);
}
