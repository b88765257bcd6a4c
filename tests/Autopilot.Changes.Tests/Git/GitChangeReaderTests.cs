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
        Reader = GitChangeReader.Open(Repo.Path);
    }

    public TempGitRepo Repo { get; }

    public string Base { get; }

    public string Head { get; }

    public GitChangeReader Reader { get; }

    public void Dispose() => Repo.Dispose();
}

public sealed class GitChangeReaderTests(GitHistoryFixture fixture) : IClassFixture<GitHistoryFixture>
{
    private ChangeSet Range() => fixture.Reader.ReadRange(fixture.Base, fixture.Head);

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
        var set = fixture.Reader.ReadSinceMergeBase("main");
        Assert.DoesNotContain(set.Files, f => f.Path == "main-only.txt");
        Assert.Contains(set.Files, f => f.Path == "keep.txt");
        Assert.Equal(Range().Files.Count, set.Files.Count);
    }

    [Fact]
    public void Unknown_revisions_and_non_repositories_are_clear_errors()
    {
        var unknown = Assert.Throws<ChangeSetException>(() => fixture.Reader.ReadRange("no-such-branch", "HEAD"));
        Assert.Contains("unknown revision 'no-such-branch'", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ChangeSetException>(() => fixture.Reader.ReadRange("--output=/tmp/x", "HEAD"));

        var plain = Directory.CreateTempSubdirectory("autopilot-nogit-");
        try
        {
            var error = Assert.Throws<ChangeSetException>(() => GitChangeReader.Open(plain.FullName));
            Assert.Contains("not inside a git repository", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            plain.Delete();
        }

        Assert.Throws<ChangeSetException>(() => GitChangeReader.Open("/no/such/dir/anywhere"));
    }
}

/// <summary>Tests that change the working tree get their own repository.</summary>
public sealed class GitWorkingTreeTests
{
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

        var reader = GitChangeReader.Open(Path.Combine(repo.Path, "new"));
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
        var reader = GitChangeReader.Open(repo.Path);
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

        var set = GitChangeReader.Open(repo.Path).ReadRange(before, after);
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
            var reader = GitChangeReader.Open(clonePath);
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
        var error = Assert.Throws<ChangeSetException>(() => GitChangeReader.Open(repo.Path).ReadRange(before, after));
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
        var set = GitChangeReader.Open(repo.Path, limits).ReadRange(before, after);
        var big = set.Files.Single(f => f.Path == "big.txt");
        Assert.Equal(lines, big.AddedCount);
        Assert.True(big.LinesTruncated);
        Assert.True(big.AddedLines.Count() < lines / 2);
        var head = big.ReadNew(maxBytes: 1000)!;
        Assert.True(head.IsTruncated);
        Assert.Equal(1000, head.Bytes.Length);
    }
}
