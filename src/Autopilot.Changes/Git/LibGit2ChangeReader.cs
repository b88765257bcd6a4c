using System.Text;
using Autopilot.Changes.ChangeSets;
using LibGit2Sharp;
using Kind = Autopilot.Changes.ChangeSets.ChangeKind;
using Lg2Kind = LibGit2Sharp.ChangeKind;

namespace Autopilot.Changes.Git;

/// <summary>
/// <see cref="IGitChangeReader"/> in-process, through LibGit2Sharp (libgit2): commits, trees and blobs from the
/// object database, diffs with rename and copy detection (git's default 50% similarity, git's rename limit of
/// 1000, the indent heuristic git turns on by default), the index, status with untracked files, merge bases.
/// Hunks are parsed by the same <see cref="UnifiedDiffParser"/> as the git command line's output, so both readers
/// give the same <see cref="FileChange"/>s.
/// <para>
/// The git command line (<see cref="GitChangeReader"/>) still does the jobs libgit2 does not do as git does, behind
/// this same interface (<see cref="CliReason"/> says why, per read):
/// working-tree reads in a repository with submodules (git's <c>--ignore-submodules=none</c> dirty state), a sparse
/// checkout (libgit2 ignores skip-worktree and would report the missing files as deleted), clean/smudge filter
/// drivers such as Git LFS (libgit2 runs no external filter, so every filtered file would look modified); and a
/// change with text that is not valid UTF-8 (libgit2 replaces the bytes; git's reader reports the file exactly).
/// A bare repository is read for commit ranges; it has no working tree or index to judge.
/// </para>
/// </summary>
internal sealed class LibGit2ChangeReader : IGitChangeReader, IDisposable
{
    private readonly Repository _repo;
    private readonly ChangeSetLimits _limits;
    private readonly Lazy<GitChangeReader> _cli;
    private readonly object _lock = new();

    private LibGit2ChangeReader(Repository repo, string root, ChangeSetLimits limits, string gitExecutable)
    {
        _repo = repo;
        RepositoryRoot = root;
        _limits = limits;
        _cli = new Lazy<GitChangeReader>(() => GitChangeReader.Open(root, limits, gitExecutable));
    }

    public string RepositoryRoot { get; }

    /// <summary>Why the last read went to the git command line, or null when libgit2 read it.</summary>
    public string? CliReason { get; private set; }

    /// <summary>Opens the repository that contains <paramref name="path"/>; throws <see cref="ChangeSetException"/>
    /// when there is none, and lets libgit2's own failures through (see <see cref="GitReaders"/>).</summary>
    public static LibGit2ChangeReader Open(string path, ChangeSetLimits? limits = null, string gitExecutable = "git")
    {
        if (!Directory.Exists(path))
        {
            throw new ChangeSetException($"the directory '{path}' does not exist");
        }

        var gitDir = Repository.Discover(Path.GetFullPath(path))
            ?? throw new ChangeSetException($"'{path}' is not inside a git repository: run Autopilot from the repository, or pass its path");
        var repo = new Repository(gitDir);
        var root = repo.Info.WorkingDirectory ?? repo.Info.Path;
        return new LibGit2ChangeReader(repo, Path.TrimEndingDirectorySeparator(root), limits ?? ChangeSetLimits.Default, gitExecutable);
    }

    public ChangeSet ReadRange(string from, string to)
    {
        var fromCommit = ResolveCommit(from);
        var toCommit = ResolveCommit(to);
        return ReadOrDelegate(
            () => ReadDiff(fromCommit.Tree, toCommit.Tree, $"git diff {from}..{to}", new LibGit2Content(this, fromCommit, toCommit, GitNewSide.Commit)),
            cli => cli.ReadRange(from, to));
    }

    public ChangeSet ReadSinceMergeBase(string branch, string head = "HEAD")
    {
        var headCommit = ResolveCommit(head);
        var baseCommit = MergeBase(branch, ResolveCommit(branch), headCommit, head);
        return ReadOrDelegate(
            () => ReadDiff(baseCommit.Tree, headCommit.Tree, $"git diff {branch}...{head}", new LibGit2Content(this, baseCommit, headCommit, GitNewSide.Commit)),
            cli => cli.ReadSinceMergeBase(branch, head));
    }

    public ChangeSet ReadStaged()
    {
        RequireWorkingTree("the index");
        var head = TryResolveCommit("HEAD");
        return ReadOrDelegate(
            () => ReadDiff(head?.Tree, DiffTargets.Index, "git diff --cached", new LibGit2Content(this, head, null, GitNewSide.Index), [], []),
            cli => cli.ReadStaged());
    }

    public ChangeSet ReadWorkingTree(bool includeUntracked = true) => ReadWorkingTreeAgainst(null, includeUntracked);

    public ChangeSet ReadWorkingTreeAgainst(string? branch, bool includeUntracked = true)
    {
        RequireWorkingTree("the working tree");
        if (WorkingTreeNeedsCli() is { } reason)
        {
            CliReason = reason;
            return _cli.Value.ReadWorkingTreeAgainst(branch, includeUntracked);
        }

        var head = TryResolveCommit("HEAD");
        if (branch is not null && head is not null)
        {
            head = MergeBase(branch, ResolveCommit(branch), head, "HEAD");
        }

        // LibGit2Sharp's diff against the working tree lists untracked files as added: they are told apart by status.
        var untracked = ListUntracked();
        var included = includeUntracked ? untracked : [];
        var description = includeUntracked ? "git working tree (with untracked files)" : "git working tree";
        return ReadOrDelegate(
            () => ReadDiff(head?.Tree, DiffTargets.Index | DiffTargets.WorkingDirectory, description, new LibGit2Content(this, head, null, GitNewSide.WorkingTree, included), untracked, included),
            cli => cli.ReadWorkingTreeAgainst(branch, includeUntracked));
    }

    public string? DefaultBranch()
    {
        if (_repo.Refs["refs/remotes/origin/HEAD"] is SymbolicReference { TargetIdentifier: { } target })
        {
            return target.Replace("refs/remotes/", "", StringComparison.Ordinal);
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

    public void Dispose() => _repo.Dispose();

    /// <summary>Runs <paramref name="action"/> under the reader's lock: a repository is not shared between threads.</summary>
    internal T Locked<T>(Func<Repository, T> action)
    {
        lock (_lock)
        {
            try
            {
                return action(_repo);
            }
            catch (LibGit2SharpException ex)
            {
                // A missing or corrupt object, an unreadable index: a change that cannot be read, never a crash.
                throw new ChangeSetException($"libgit2 could not read the repository: {ex.Message}", inner: ex);
            }
        }
    }

    private ChangeSet ReadOrDelegate(Func<ChangeSet> read, Func<GitChangeReader, ChangeSet> cli)
    {
        try
        {
            CliReason = null;
            return read();
        }
        catch (NeedsGitCliException ex)
        {
            CliReason = ex.Message;
            return cli(_cli.Value);
        }
    }

    private ChangeSet ReadDiff(Tree? oldTree, Tree newTree, string description, LibGit2Content content)
    {
        using var patch = Locked(repo => repo.Diff.Compare<Patch>(oldTree, newTree, CompareOptions()));
        return Build(patch, description, content, [], []);
    }

    private ChangeSet ReadDiff(Tree? oldTree, DiffTargets targets, string description, LibGit2Content content, IReadOnlyList<string> untracked, IReadOnlyList<string> included)
    {
        using var patch = Locked(repo => repo.Diff.Compare<Patch>(oldTree, targets, null, null, CompareOptions()));
        return Build(patch, description, content, untracked, included);
    }

    private static CompareOptions CompareOptions() => new()
    {
        // git diff's defaults: three lines of context, the indent heuristic, renames and (with --find-copies) copies
        // from modified files at 50% similarity, and git's rename limit.
        ContextLines = 3,
        IndentHeuristic = true,
        Similarity = new SimilarityOptions
        {
            RenameDetectionMode = RenameDetectionMode.Copies,
            RenameThreshold = 50,
            CopyThreshold = 50,
            RenameLimit = 1000,
        },
    };

    private ChangeSet Build(Patch patch, string description, LibGit2Content content, IReadOnlyList<string> untracked, IReadOnlyList<string> included)
    {
        var untrackedFiles = untracked.Where(p => !p.EndsWith('/')).ToHashSet(StringComparer.Ordinal);
        var untrackedDirectories = untracked.Where(p => p.EndsWith('/')).ToList();
        var entries = patch.Where(e => !IsUntracked(GitPath(e.Path))).ToList();
        if (entries.Count + included.Count > _limits.MaxFiles)
        {
            throw new ChangeSetException($"the change has {entries.Count + included.Count} files, more than the limit of {_limits.MaxFiles}: split it into smaller changes");
        }

        var budget = new RetentionBudget(_limits.MaxTotalBytes);
        var files = new List<FileChange>(entries.Count + included.Count);
        foreach (var entry in entries)
        {
            files.Add(ToFileChange(entry, content, budget));
        }

        foreach (var path in included)
        {
            files.Add(UntrackedFile.Read(RepositoryRoot, path, _limits, budget));
        }

        return new ChangeSet(files, description, content);

        bool IsUntracked(string path) =>
            untrackedFiles.Contains(path) || untrackedDirectories.Any(d => path.StartsWith(d, StringComparison.Ordinal) || path + "/" == d);
    }

    private FileChange ToFileChange(PatchEntryChanges entry, LibGit2Content content, RetentionBudget budget)
    {
        var kind = entry.Status switch
        {
            Lg2Kind.Added => Kind.Added,
            Lg2Kind.Deleted => Kind.Deleted,
            Lg2Kind.Renamed => Kind.Renamed,
            Lg2Kind.Copied => Kind.Copied,
            Lg2Kind.TypeChanged => Kind.TypeChanged,
            Lg2Kind.Modified => Kind.Modified,
            Lg2Kind.Conflicted => throw new ChangeSetException("the file has an unresolved merge conflict: resolve it (and stage the result) first", path: GitPath(entry.Path)),
            _ => throw new ChangeSetException($"libgit2 reported an unexpected change status '{entry.Status}'", path: GitPath(entry.Path)),
        };
        var oldPath = kind == Kind.Added ? null : GitPath(entry.OldPath);
        var newPath = kind == Kind.Deleted ? null : GitPath(entry.Path);
        var oldMode = new GitFileMode((int)entry.OldMode);
        var newMode = new GitFileMode((int)entry.Mode);
        var newId = content.NewSide == GitNewSide.WorkingTree ? null : entry.Oid.Sha;

        if (entry.Patch.Contains('\uFFFD', StringComparison.Ordinal))
        {
            // libgit2's text replaced bytes that are not UTF-8: git's reader says which file and what to do.
            throw new NeedsGitCliException($"'{newPath ?? oldPath}' has text that is not valid UTF-8");
        }

        var patches = kind == Kind.TypeChanged
            ? TypeChangeSides(entry, content, budget)   // libgit2 prints neither side's lines for a type change
            : ParsePatch(entry.Patch, budget);
        var binary = patches.Any(p => p.IsBinary);
        var first = patches.FirstOrDefault();
        return new FileChange
        {
            Kind = kind,
            OldPath = oldPath,
            NewPath = newPath,
            OldMode = oldMode,
            NewMode = newMode,
            OldId = entry.OldOid.Sha,
            NewId = newId,
            Similarity = kind is Kind.Renamed or Kind.Copied ? first?.Similarity : null,
            IsBinary = binary,
            Hunks = [.. patches.SelectMany(p => p.Hunks)],
            AddedCount = patches.Sum(p => p.Added),
            RemovedCount = patches.Sum(p => p.Removed),
            LinesTruncated = patches.Any(p => p.LinesTruncated),
        };
    }

    private List<FilePatch> ParsePatch(string text, RetentionBudget budget)
    {
        if (text.Length == 0)
        {
            return [];
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false);
        return [.. UnifiedDiffParser.ReadPatches(stream, _limits, budget)];
    }

    private List<FilePatch> TypeChangeSides(PatchEntryChanges entry, LibGit2Content content, RetentionBudget budget)
    {
        // git shows a type change as a deletion and an addition: each side is diffed alone against nothing, under a
        // fixed header (only the hunks are kept). A working-tree side is read from disk as an untracked file is.
        var sides = new List<FilePatch>();
        var oldText = Locked(repo => repo.Diff.Compare(repo.Lookup<Blob>(entry.OldOid), null, CompareOptions()).Patch);
        sides.AddRange(ParsePatch("diff --git a/f b/f\n--- a/f\n+++ /dev/null\n" + oldText, budget));
        if (content.NewSide == GitNewSide.WorkingTree)
        {
            var added = UntrackedFile.Read(RepositoryRoot, GitPath(entry.Path), _limits, budget);
            var side = new FilePatch { IsBinary = added.IsBinary, Added = added.AddedCount, LinesTruncated = added.LinesTruncated };
            side.Hunks.AddRange(added.Hunks);
            sides.Add(side);
        }
        else
        {
            var newText = Locked(repo => repo.Diff.Compare(null, repo.Lookup<Blob>(entry.Oid), CompareOptions()).Patch);
            sides.AddRange(ParsePatch("diff --git a/f b/f\n--- /dev/null\n+++ b/f\n" + newText, budget));
        }

        return sides;
    }

    private List<string> ListUntracked()
    {
        return Locked(repo =>
        {
            var options = new StatusOptions
            {
                Show = StatusShowOption.WorkDirOnly,
                IncludeUntracked = true,
                RecurseUntrackedDirs = true,
                IncludeIgnored = true,
                RecurseIgnoredDirs = false,
                DetectRenamesInWorkDir = false,
                DetectRenamesInIndex = false,
                ExcludeSubmodules = true,
                IncludeUnaltered = false,
            };
            var paths = new List<string>();
            foreach (var item in repo.RetrieveStatus(options))
            {
                var path = GitPath(item.FilePath);
                if (item.State.HasFlag(FileStatus.NewInWorkdir))
                {
                    paths.Add(path);
                }
                else if (item.State.HasFlag(FileStatus.Ignored) && path.EndsWith('/') && IsNestedRepository(repo, path))
                {
                    // libgit2 files a nested repository under "ignored"; git lists it as an untracked "dir/".
                    paths.Add(path);
                }
            }

            paths.Sort(StringComparer.Ordinal);
            return paths;
        });
    }

    private bool IsNestedRepository(Repository repo, string directory) =>
        Path.Exists(Path.Combine(RepositoryRoot, directory, ".git")) && !repo.Ignore.IsPathIgnored(directory);

    /// <summary>Why a working-tree read must go to the git command line, or null when libgit2 reads it as git does.</summary>
    private string? WorkingTreeNeedsCli()
    {
        return Locked(repo =>
        {
            // git sparse-checkout keeps its switch in config.worktree, which libgit2 does not read: the pattern file tells.
            if (repo.Config.Get<bool>("core.sparseCheckout") is { Value: true } || File.Exists(Path.Combine(repo.Info.Path, "info", "sparse-checkout")))
            {
                return "a sparse checkout (libgit2 does not honour skip-worktree)";
            }

            if (File.Exists(Path.Combine(RepositoryRoot, ".gitmodules")) || repo.Index.Any(e => e.Mode == Mode.GitLink))
            {
                return "submodules (git reports their checked-out commit and dirty state)";
            }

            if (HasFilterDriver(repo))
            {
                return "a clean/smudge filter driver such as Git LFS (libgit2 runs no external filter)";
            }

            return null;
        });
    }

    private bool HasFilterDriver(Repository repo)
    {
        var drivers = repo.Config
            .Where(e => e.Key.StartsWith("filter.", StringComparison.Ordinal)
                && (e.Key.EndsWith(".clean", StringComparison.Ordinal) || e.Key.EndsWith(".process", StringComparison.Ordinal)))
            .ToList();
        if (drivers.Count == 0)
        {
            return false;
        }

        // A driver is configured (LFS installs one globally): it matters when an attributes file names a filter.
        var attributeFiles = repo.Index.Where(e => e.Path.EndsWith(".gitattributes", StringComparison.Ordinal))
            .Select(e => Path.Combine(RepositoryRoot, e.Path))
            .Append(Path.Combine(repo.Info.Path, "info", "attributes"));
        return attributeFiles.Any(file => File.Exists(file) && File.ReadAllText(file).Contains("filter=", StringComparison.Ordinal));
    }

    private void RequireWorkingTree(string what)
    {
        if (_repo.Info.IsBare)
        {
            throw new ChangeSetException($"'{RepositoryRoot}' is a bare repository: it has no {what} to judge; judge a commit (--head) instead");
        }
    }

    private Commit MergeBase(string branch, Commit branchCommit, Commit headCommit, string head) =>
        Locked(repo => repo.ObjectDatabase.FindMergeBase(branchCommit, headCommit))
        ?? throw new ChangeSetException(_repo.Info.IsShallow
            ? $"no merge base of '{branch}' and '{head}' in this shallow clone: fetch more history (git fetch --unshallow, or --deepen=N)"
            : $"'{branch}' and '{head}' have no common ancestor: compare with a branch that shares history");

    private Commit ResolveCommit(string revision) =>
        TryResolveCommit(revision) ?? throw new ChangeSetException(_repo.Info.IsShallow
            ? $"the revision '{revision}' is not in this shallow clone: fetch it or more history (git fetch --unshallow, or git fetch origin {revision})"
            : $"unknown revision '{revision}': check the name (git branch -a, git log), or fetch it (git fetch origin {revision})");

    private Commit? TryResolveCommit(string revision)
    {
        if (string.IsNullOrWhiteSpace(revision) || revision.StartsWith('-') || revision.Contains('\0'))
        {
            throw new ChangeSetException($"'{revision}' is not a revision name");
        }

        return Locked(repo =>
        {
            try
            {
                return repo.Lookup(revision + "^{commit}") as Commit;
            }
            catch (LibGit2SharpException)
            {
                // Malformed, ambiguous, or pointing at missing history: the same answer as `git rev-parse --verify`.
                return null;
            }
        });
    }

    /// <summary>libgit2 hands out paths with the platform's separator; change sets use '/'.</summary>
    internal static string GitPath(string path) =>
        Path.DirectorySeparatorChar == '/' ? path : path.Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>A read that libgit2 does not do as git does: the reader hands it to the git command line.</summary>
    private sealed class NeedsGitCliException(string reason) : Exception(reason);
}
