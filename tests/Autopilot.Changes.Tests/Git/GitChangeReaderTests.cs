using System.Security.Cryptography;
using System.Text;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;

namespace Autopilot.Changes.Tests.Git;

/// <summary>One repository with a rich history, shared by the read-only tests of this class.</summary>
public sealed class GitHistoryFixture : IDisposable
{
    public GitHistoryFixture()
    {
        Repo = new TempGitRepo();
        Repo.Write("keep.txt", "one\ntwo\nthree\n");
        Repo.Write("old name.txt", string.Concat(Enumerable.Range(0, 20).Select(i => $"line {i}\n")));
        Repo.Write("gone.txt", "bye\n");
        Repo.Write("run.sh", "echo hi\n");
        Repo.Write("crlf.txt", "a\r\nb\r\n");
        Repo.WriteBytes("bin.dat", [1, 2, 0, 3]);
        Repo.Write("to-link.txt", "I become a link\n");
        Base = Repo.Commit("base");

        Repo.Git("checkout", "-q", "-b", "feature");
        Repo.Write("keep.txt", "one\nTWO\nthree\nfour");
        Repo.Git("mv", "old name.txt", "new name.txt");
        Repo.Delete("gone.txt");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(Repo.Path, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Repo.Write("crlf.txt", "a\r\nB\r\n");
        Repo.WriteBytes("bin.dat", [1, 2, 0, 4]);
        Repo.Write("dir/tést ünï.txt", "héllo\n");
        Repo.Write("tab\there.txt", "tab\n");
        Repo.Delete("to-link.txt");
        File.CreateSymbolicLink(Path.Combine(Repo.Path, "to-link.txt"), "keep.txt");
        Head = Repo.Commit("feature");
        Repo.Git("checkout", "-q", "main");
        Repo.Write("main-only.txt", "m\n");
        Repo.Commit("main moves on");
        Repo.Git("checkout", "-q", "feature");
    }

    public TempGitRepo Repo { get; }

    public string Base { get; }

    public string Head { get; }

    public void Dispose() => Repo.Dispose();
}

/// <summary>
/// The reader contract, run against both implementations (<see cref="LibGit2ChangeReaderTests"/> and
/// <see cref="CliGitChangeReaderTests"/>): the same repository must give the same change sets.
/// </summary>
public abstract class GitChangeReaderContract(GitHistoryFixture fixture)
{
    private IGitChangeReader? _reader;

    /// <summary>Opens a reader of the implementation under test.</summary>
    private protected abstract IGitChangeReader Open(string path, ChangeSetLimits? limits = null);

    private IGitChangeReader Reader => _reader ??= Open(fixture.Repo.Path);

    private ChangeSet Range() => Reader.ReadRange(fixture.Base, fixture.Head);

    private static FileChange File(ChangeSet set, string path) => set.Files.Single(f => f.Path == path);

    [Fact]
    public void Range_lists_every_kind_of_change()
    {
        var set = Range();
        Assert.Equal(ChangeKind.Modified, File(set, "keep.txt").Kind);
        var renamed = File(set, "new name.txt");
        Assert.Equal((ChangeKind.Renamed, "old name.txt"), (renamed.Kind, renamed.OldPath));
        Assert.Equal(100, renamed.Similarity);
        Assert.Equal(ChangeKind.Deleted, File(set, "gone.txt").Kind);
        Assert.Null(File(set, "gone.txt").NewPath);
        var mode = File(set, "run.sh");
        Assert.True(mode.NewMode.IsExecutable && !mode.OldMode.IsExecutable);
        Assert.True(File(set, "bin.dat").IsBinary);
        Assert.Equal(ChangeKind.Added, File(set, "dir/tést ünï.txt").Kind);
        Assert.Equal(ChangeKind.Added, File(set, "tab\there.txt").Kind);
        var link = File(set, "to-link.txt");
        Assert.Equal(ChangeKind.TypeChanged, link.Kind);
        Assert.True(link.NewMode.IsSymlink);
        Assert.Equal("keep.txt", link.AddedLines.Single().Text);
        Assert.Equal($"git diff {fixture.Base}..{fixture.Head}", set.Description);
    }

    [Fact]
    public void Hunks_carry_line_numbers_crlf_and_missing_newline()
    {
        var set = Range();
        var keep = File(set, "keep.txt");
        Assert.Equal([(2, "TWO"), (4, "four")], keep.AddedLines.Select(l => (l.NewLine, l.Text)));
        Assert.Equal((2, "two"), keep.RemovedLines.Select(l => (l.OldLine, l.Text)).Single());
        Assert.True(keep.Hunks[^1].NewMissingNewlineAtEnd);
        var crlf = File(set, "crlf.txt");
        Assert.True(crlf.AddedLines.Single().HasCarriageReturn);
        Assert.Equal("B", crlf.AddedLines.Single().Text);
    }

    [Fact]
    public void Contents_are_read_lazily_from_git_objects()
    {
        var set = Range();
        var keep = File(set, "keep.txt");
        Assert.Equal("one\ntwo\nthree\n", keep.ReadOld()!.Text);
        Assert.Equal("one\nTWO\nthree\nfour", keep.ReadNew()!.Text);
        Assert.Null(File(set, "gone.txt").ReadNew());
        Assert.Null(File(set, "dir/tést ünï.txt").ReadOld());
        var partial = keep.ReadOld(maxBytes: 4)!;
        Assert.True(partial.IsTruncated);
        Assert.Equal("one\n", partial.Text);
        using var baseStream = set.OpenBase("keep.txt")!;
        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("one\ntwo\nthree\n"))), Convert.ToHexString(SHA256.HashData(baseStream)));
        Assert.Null(set.OpenBase("no/such/file"));
        Assert.Null(set.OpenBase("dir"));
        var tree = set.NewTreePaths()!;
        Assert.Contains("new name.txt", tree);
        Assert.DoesNotContain("gone.txt", tree);
    }

    [Fact]
    public void Merge_base_excludes_the_other_branch()
    {
        var set = Reader.ReadSinceMergeBase("main");
        Assert.DoesNotContain(set.Files, f => f.Path == "main-only.txt");
        Assert.Contains(set.Files, f => f.Path == "keep.txt");
        Assert.Equal(Range().Files.Count, set.Files.Count);
    }

    [Fact]
    public void Unknown_revisions_and_non_repositories_are_clear_errors()
    {
        var unknown = Assert.Throws<ChangeSetException>(() => Reader.ReadRange("no-such-branch", "HEAD"));
        Assert.Contains("unknown revision 'no-such-branch'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ChangeSetException>(() => Reader.ReadRange("--output=/tmp/x", "HEAD"));

        var plain = Directory.CreateTempSubdirectory("autopilot-nogit-");
        try
        {
            var error = Assert.Throws<ChangeSetException>(() => Open(plain.FullName));
            Assert.Contains("not inside a git repository", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            plain.Delete();
        }

        Assert.Throws<ChangeSetException>(() => Open("/no/such/dir/anywhere"));
    }
}

/// <summary>Tests that change the working tree or need a repository of their own, run against both readers.</summary>
public abstract class GitWorkingTreeContract
{
    /// <summary>Opens a reader of the implementation under test.</summary>
    private protected abstract IGitChangeReader Open(string path, ChangeSetLimits? limits = null);

    [Fact]
    public void Staged_and_working_tree_with_untracked_files()
    {
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "a\n");
        repo.Write(".gitignore", "ignored.log\n");
        repo.Commit("base");
        var headBefore = repo.Git("rev-parse", "HEAD");
        var indexBefore = System.IO.File.ReadAllBytes(Path.Combine(repo.Path, ".git", "index"));

        repo.Write("a.txt", "a\nstaged\n");
        repo.Git("add", "a.txt");
        repo.Write("a.txt", "a\nstaged\nunstaged\n");
        repo.Write("new/untracked.txt", "fresh\nlines\n");
        repo.Write("ignored.log", "noise\n");
        repo.WriteBytes("new/blob.bin", [0, 1, 2]);
        System.IO.File.CreateSymbolicLink(Path.Combine(repo.Path, "escape"), "../../etc/passwd");
        indexBefore = System.IO.File.ReadAllBytes(Path.Combine(repo.Path, ".git", "index"));

        var reader = Open(Path.Combine(repo.Path, "new"));
        Assert.Equal(repo.Path, reader.RepositoryRoot);

        var staged = reader.ReadStaged();
        var stagedFile = Assert.Single(staged.Files);
        Assert.Equal(["staged"], stagedFile.AddedLines.Select(l => l.Text));
        Assert.Equal("a\nstaged\n", stagedFile.ReadNew()!.Text);

        var work = reader.ReadWorkingTree();
        var a = work.Files.Single(f => f.Path == "a.txt");
        Assert.Equal(["staged", "unstaged"], a.AddedLines.Select(l => l.Text));
        Assert.Equal("a\nstaged\nunstaged\n", a.ReadNew()!.Text);
        Assert.Equal("a\n", a.ReadOld()!.Text);
        var untracked = work.Files.Single(f => f.Path == "new/untracked.txt");
        Assert.Equal(ChangeKind.Added, untracked.Kind);
        Assert.Equal([(1, "fresh"), (2, "lines")], untracked.AddedLines.Select(l => (l.NewLine, l.Text)));
        Assert.Equal("fresh\nlines\n", untracked.ReadNew()!.Text);
        Assert.True(work.Files.Single(f => f.Path == "new/blob.bin").IsBinary);
        var link = work.Files.Single(f => f.Path == "escape");
        Assert.True(link.NewMode.IsSymlink);
        Assert.Equal("../../etc/passwd", link.AddedLines.Single().Text);
        Assert.DoesNotContain(work.Files, f => f.Path == "ignored.log");
        Assert.Contains("new/untracked.txt", work.NewTreePaths()!);

        Assert.DoesNotContain(reader.ReadWorkingTree(includeUntracked: false).Files, f => f.Path == "new/untracked.txt");

        // The reader never writes: same HEAD, same index bytes, untracked files still untracked.
        Assert.Equal(headBefore, repo.Git("rev-parse", "HEAD"));
        Assert.Equal(indexBefore, System.IO.File.ReadAllBytes(Path.Combine(repo.Path, ".git", "index")));
        Assert.Contains("?? new/", repo.Git("status", "--porcelain"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_without_commits_diffs_against_the_empty_tree()
    {
        using var repo = new TempGitRepo();
        repo.Write("first.txt", "1\n");
        repo.Git("add", "first.txt");
        var reader = Open(repo.Path);
        var staged = reader.ReadStaged();
        Assert.Equal(ChangeKind.Added, Assert.Single(staged.Files).Kind);
        Assert.False(staged.HasBase);
        Assert.Single(reader.ReadWorkingTree().Files);
    }

    [Fact]
    public void Submodules_show_as_gitlinks()
    {
        using var inner = new TempGitRepo();
        inner.Write("x.txt", "x\n");
        var innerHead = inner.Commit("inner");
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "a\n");
        var before = repo.Commit("base");
        repo.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.Path, "lib/inner");
        var after = repo.Commit("add submodule");

        var set = Open(repo.Path).ReadRange(before, after);
        var sub = set.Files.Single(f => f.Path == "lib/inner");
        Assert.True(sub.IsSubmodule);
        Assert.Equal(ChangeKind.Added, sub.Kind);
        Assert.Equal($"Subproject commit {innerHead}", sub.AddedLines.Single().Text);
        Assert.Equal($"Subproject commit {innerHead}\n", sub.ReadNew()!.Text);
    }

    [Fact]
    public void Shallow_clone_without_the_base_says_to_fetch()
    {
        using var origin = new TempGitRepo();
        origin.Write("a.txt", "1\n");
        var first = origin.Commit("1");
        origin.Write("a.txt", "2\n");
        origin.Commit("2");
        origin.Write("a.txt", "3\n");
        origin.Commit("3");
        var clonePath = Path.Combine(Path.GetTempPath(), "autopilot-shallow-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            origin.Git("clone", "-q", "--depth", "1", "file://" + origin.Path, clonePath);
            var reader = Open(clonePath);
            var error = Assert.Throws<ChangeSetException>(() => reader.ReadRange(first, "HEAD"));
            Assert.Contains("shallow clone", error.Message, StringComparison.Ordinal);
            Assert.Contains("--unshallow", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(clonePath))
            {
                foreach (var f in Directory.EnumerateFiles(clonePath, "*", SearchOption.AllDirectories))
                {
                    System.IO.File.SetAttributes(f, FileAttributes.Normal);
                }

                Directory.Delete(clonePath, recursive: true);
            }
        }
    }

    [Fact]
    public void Invalid_utf8_text_in_a_commit_is_a_clear_error()
    {
        using var repo = new TempGitRepo();
        repo.Write("latin1.txt", "x\n");
        var before = repo.Commit("base");
        repo.WriteBytes("latin1.txt", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n']);
        var after = repo.Commit("latin-1");
        var error = Assert.Throws<ChangeSetException>(() => Open(repo.Path).ReadRange(before, after));
        Assert.Equal("latin1.txt", error.Path);
        Assert.Contains(".gitattributes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Large_file_is_streamed_with_bounded_line_text()
    {
        var megabytes = Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") == "1" ? 50 : 6;
        using var repo = new TempGitRepo();
        repo.Write("small.txt", "s\n");
        var before = repo.Commit("base");
        var line = new string('y', 99) + "\n";
        var lines = megabytes * 1024 * 1024 / line.Length;
        using (var writer = new StreamWriter(Path.Combine(repo.Path, "big.txt")))
        {
            for (var i = 0; i < lines; i++)
            {
                writer.Write(line);
            }
        }

        var after = repo.Commit("big");
        var limits = new ChangeSetLimits { MaxBytesPerFile = 1024 * 1024 };
        var set = Open(repo.Path, limits).ReadRange(before, after);
        var big = set.Files.Single(f => f.Path == "big.txt");
        Assert.Equal(lines, big.AddedCount);
        Assert.True(big.LinesTruncated);
        Assert.True(big.AddedLines.Count() < lines / 2);
        var head = big.ReadNew(maxBytes: 1000)!;
        Assert.True(head.IsTruncated);
        Assert.Equal(1000, head.Bytes.Length);
    }
}

/// <summary>More of the contract: each case in a repository of its own.</summary>
public abstract class GitReaderCasesContract
{
    /// <summary>Opens a reader of the implementation under test.</summary>
    private protected abstract IGitChangeReader Open(string path, ChangeSetLimits? limits = null);

    private static string Lines(int count, string prefix = "line") => string.Concat(Enumerable.Range(0, count).Select(i => $"{prefix} {i}\n"));

    [Fact]
    public void Copies_and_edited_renames_are_found_at_git_s_default_similarity()
    {
        using var repo = new TempGitRepo();
        repo.Write("src.txt", Lines(20));
        repo.Write("moved.txt", Lines(20, "other"));
        repo.Write("unlike.txt", Lines(10, "alpha"));
        var before = repo.Commit("base");
        repo.Write("copy.txt", Lines(20));
        repo.Write("src.txt", Lines(20) + "tail\n");
        repo.Git("mv", "moved.txt", "renamed.txt");
        repo.Write("renamed.txt", Lines(18, "other") + "changed\n");
        repo.Git("mv", "unlike.txt", "rewritten.txt");
        repo.Write("rewritten.txt", Lines(10, "omega"));
        var after = repo.Commit("copy and rename");

        var set = Open(repo.Path).ReadRange(before, after);
        var copy = set.Files.Single(f => f.Path == "copy.txt");
        Assert.Equal((ChangeKind.Copied, "src.txt"), (copy.Kind, copy.OldPath));
        Assert.Equal(100, copy.Similarity);
        var renamed = set.Files.Single(f => f.Path == "renamed.txt");
        Assert.Equal((ChangeKind.Renamed, "moved.txt"), (renamed.Kind, renamed.OldPath));
        Assert.InRange(renamed.Similarity!.Value, 50, 99);
        Assert.Equal(["changed"], renamed.AddedLines.Select(l => l.Text));
        Assert.Equal(["other 18", "other 19"], renamed.RemovedLines.Select(l => l.Text));
        Assert.Equal(Lines(20, "other"), renamed.ReadOld()!.Text);

        // Below 50% similar: a deletion and an addition, as git says.
        Assert.Equal(ChangeKind.Deleted, set.Files.Single(f => f.Path == "unlike.txt").Kind);
        Assert.Equal(ChangeKind.Added, set.Files.Single(f => f.Path == "rewritten.txt").Kind);
    }

    [Fact]
    public void Working_tree_changes_of_every_kind_against_head()
    {
        using var repo = new TempGitRepo();
        repo.Write("crlf.txt", "a\r\nb\r\n");
        repo.Write("run.sh", "echo\n");
        repo.Write("gone.txt", "bye\n");
        repo.Write("link-me.txt", "text\n");
        repo.Write("ctrl.txt", "plain\n");
        repo.Commit("base");
        repo.Write("crlf.txt", "a\r\nB\r\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(repo.Path, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        repo.Delete("gone.txt");
        repo.Delete("link-me.txt");
        File.CreateSymbolicLink(Path.Combine(repo.Path, "link-me.txt"), "crlf.txt");
        repo.Write("ünï cödé/ä \"q\".txt", "ü\n");
        // Control characters without a NUL are text to git (and to libgit2's diff).
        repo.Write("ctrl.txt", "plain\n" + new string('\u0001', 40) + "\n");

        var set = Open(repo.Path).ReadWorkingTree();
        var crlf = set.Files.Single(f => f.Path == "crlf.txt");
        Assert.Equal([("B", true)], crlf.AddedLines.Select(l => (l.Text, l.HasCarriageReturn)));
        var mode = set.Files.Single(f => f.Path == "run.sh");
        Assert.True(mode.NewMode.IsExecutable && !mode.OldMode.IsExecutable);
        Assert.Empty(mode.Hunks);
        Assert.Equal(ChangeKind.Deleted, set.Files.Single(f => f.Path == "gone.txt").Kind);
        var link = set.Files.Single(f => f.Path == "link-me.txt");
        Assert.Equal(ChangeKind.TypeChanged, link.Kind);
        Assert.True(link.NewMode.IsSymlink);
        Assert.Equal(["crlf.txt"], link.AddedLines.Select(l => l.Text));
        Assert.Equal(["text"], link.RemovedLines.Select(l => l.Text));
        var quoted = set.Files.Single(f => f.Path == "ünï cödé/ä \"q\".txt");
        Assert.Equal(["ü"], quoted.AddedLines.Select(l => l.Text));
        var ctrl = set.Files.Single(f => f.Path == "ctrl.txt");
        Assert.False(ctrl.IsBinary);
        Assert.Equal(1, ctrl.AddedCount);
    }

    [Fact]
    public void Detached_head_reads_ranges_merge_bases_and_the_working_tree()
    {
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "1\n");
        var first = repo.Commit("1");
        repo.Write("a.txt", "2\n");
        repo.Commit("2");
        repo.Git("checkout", "-q", "--detach", first);
        repo.Write("b.txt", "detached\n");
        var detached = repo.Commit("on a detached head");
        repo.Write("a.txt", "dirty\n");

        var reader = Open(repo.Path);
        Assert.Equal(["b.txt"], reader.ReadRange("HEAD^", "HEAD").Files.Select(f => f.Path));
        Assert.Equal(["b.txt"], reader.ReadSinceMergeBase("main").Files.Select(f => f.Path));
        Assert.Equal(["a.txt"], reader.ReadWorkingTree().Files.Select(f => f.Path));
        Assert.Equal(["a.txt", "b.txt"], reader.ReadWorkingTreeAgainst("main").Files.Select(f => f.Path).Order());
        Assert.Equal("main", reader.DefaultBranch());
        Assert.Equal(detached, repo.Git("rev-parse", "HEAD").Trim());
    }

    [Fact]
    public void An_empty_repository_has_no_changes_and_no_revisions()
    {
        using var repo = new TempGitRepo();
        var reader = Open(repo.Path);
        Assert.Empty(reader.ReadWorkingTree().Files);
        Assert.Empty(reader.ReadStaged().Files);
        Assert.Null(reader.DefaultBranch());
        var error = Assert.Throws<ChangeSetException>(() => reader.ReadRange("HEAD", "HEAD"));
        Assert.Contains("unknown revision 'HEAD'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shallow_clone_reads_the_history_it_has()
    {
        using var origin = new TempGitRepo();
        for (var i = 1; i <= 4; i++)
        {
            origin.Write($"f{i}.txt", $"{i}\n");
            origin.Commit($"{i}");
        }

        using var clone = new TempDir("autopilot-shallow-");
        var path = Path.Combine(clone.Path, "c");
        origin.Git("clone", "-q", "--depth", "2", "file://" + origin.Path, path);
        var reader = Open(path);
        Assert.Equal(["f4.txt"], reader.ReadRange("HEAD^", "HEAD").Files.Select(f => f.Path));
        var error = Assert.Throws<ChangeSetException>(() => reader.ReadRange("HEAD~2", "HEAD"));
        Assert.Contains("shallow clone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_linked_worktree_is_read_like_its_main_checkout()
    {
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "a\n");
        repo.Commit("base");
        using var parent = new TempDir("autopilot-worktree-");
        var linked = Path.Combine(parent.Path, "linked");
        repo.Git("worktree", "add", "-q", "-b", "side", linked);
        File.WriteAllText(Path.Combine(linked, "a.txt"), "a\nlinked\n");
        File.WriteAllText(Path.Combine(linked, "new.txt"), "n\n");

        var reader = Open(linked);
        Assert.Equal(linked, reader.RepositoryRoot);
        var set = reader.ReadWorkingTree();
        Assert.Equal(["linked"], set.Files.Single(f => f.Path == "a.txt").AddedLines.Select(l => l.Text));
        Assert.Equal(ChangeKind.Added, set.Files.Single(f => f.Path == "new.txt").Kind);
        Assert.Equal("a\nlinked\n", set.Files.Single(f => f.Path == "a.txt").ReadNew()!.Text);
    }
}

public sealed class LibGit2ChangeReaderTests(GitHistoryFixture fixture) : GitChangeReaderContract(fixture), IClassFixture<GitHistoryFixture>
{
    private protected override IGitChangeReader Open(string path, ChangeSetLimits? limits = null) => GitReaders.Open(path, GitReaderKind.LibGit2, limits);
}

public sealed class CliGitChangeReaderTests(GitHistoryFixture fixture) : GitChangeReaderContract(fixture), IClassFixture<GitHistoryFixture>
{
    private protected override IGitChangeReader Open(string path, ChangeSetLimits? limits = null) => GitReaders.Open(path, GitReaderKind.Cli, limits);
}

public sealed class LibGit2WorkingTreeTests : GitWorkingTreeContract
{
    private protected override IGitChangeReader Open(string path, ChangeSetLimits? limits = null) => GitReaders.Open(path, GitReaderKind.LibGit2, limits);
}

public sealed class CliWorkingTreeTests : GitWorkingTreeContract
{
    private protected override IGitChangeReader Open(string path, ChangeSetLimits? limits = null) => GitReaders.Open(path, GitReaderKind.Cli, limits);
}

public sealed class LibGit2ReaderCasesTests : GitReaderCasesContract
{
    private protected override IGitChangeReader Open(string path, ChangeSetLimits? limits = null) => GitReaders.Open(path, GitReaderKind.LibGit2, limits);
}

public sealed class CliReaderCasesTests : GitReaderCasesContract
{
    private protected override IGitChangeReader Open(string path, ChangeSetLimits? limits = null) => GitReaders.Open(path, GitReaderKind.Cli, limits);
}
