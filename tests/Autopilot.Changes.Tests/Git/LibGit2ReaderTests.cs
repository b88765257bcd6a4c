using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;

namespace Autopilot.Changes.Tests.Git;

/// <summary>What only the libgit2 reader does: agree with git line for line, say when it hands a read to git, read bare repositories.</summary>
public sealed class LibGit2ReaderTests(GitHistoryFixture fixture) : IClassFixture<GitHistoryFixture>
{
    /// <summary>Everything a rule can see of a file, as text, to compare the two readers.</summary>
    private static string Describe(ChangeSet set) => string.Join('\n', set.Files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f =>
        $"{f.Kind} {f.OldPath}->{f.NewPath} {f.OldMode}->{f.NewMode} old={f.OldId} sim={f.Similarity} bin={f.IsBinary} +{f.AddedCount} -{f.RemovedCount} " +
        string.Join('|', f.Hunks.Select(h => $"@@{h.OldStart},{h.OldCount},{h.NewStart},{h.NewCount} {h.Section} {h.OldMissingNewlineAtEnd}/{h.NewMissingNewlineAtEnd}: " +
            string.Join(';', h.Lines.Select(l => $"{l.Kind}{l.OldLine}/{l.NewLine}{(l.HasCarriageReturn ? "\\r" : "")}:{l.Text}"))))));

    [Fact]
    public void Both_readers_give_the_same_change_sets()
    {
        var libgit2 = GitReaders.Open(fixture.Repo.Path, GitReaderKind.LibGit2);
        var cli = GitReaders.Open(fixture.Repo.Path, GitReaderKind.Cli);
        Assert.IsType<LibGit2ChangeReader>(libgit2);
        Assert.IsType<GitChangeReader>(cli);
        Assert.Equal(Describe(cli.ReadRange(fixture.Base, fixture.Head)), Describe(libgit2.ReadRange(fixture.Base, fixture.Head)));
        Assert.Equal(Describe(cli.ReadSinceMergeBase("main")), Describe(libgit2.ReadSinceMergeBase("main")));
        Assert.Null(((LibGit2ChangeReader)libgit2).CliReason);
        Assert.Equal(cli.ReadRange(fixture.Base, fixture.Head).NewTreePaths()!.Order(), libgit2.ReadRange(fixture.Base, fixture.Head).NewTreePaths()!.Order());
    }

    [Fact]
    public void The_gate_reads_git_through_libgit2_by_default()
    {
        Assert.IsType<LibGit2ChangeReader>(GitReaders.Open(fixture.Repo.Path));
        Assert.Equal(GitReaderKind.Cli, GitReaders.Parse("CLI"));
        Assert.Equal(GitReaderKind.Auto, GitReaders.Parse(null));
        Assert.Null(GitReaders.Parse("jgit"));
    }

    [Fact]
    public void Working_tree_with_submodules_goes_to_the_git_command_line()
    {
        using var inner = new TempGitRepo();
        inner.Write("x.txt", "x\n");
        inner.Commit("inner");
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "a\n");
        repo.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.Path, "lib/inner");
        repo.Commit("with a submodule");
        File.WriteAllText(Path.Combine(repo.Path, "lib/inner/x.txt"), "dirty\n");
        repo.Write("a.txt", "a\nb\n");

        var reader = (LibGit2ChangeReader)GitReaders.Open(repo.Path, GitReaderKind.LibGit2);
        var set = reader.ReadWorkingTree();
        Assert.Contains("submodules", reader.CliReason, StringComparison.Ordinal);
        Assert.Contains(set.Files, f => f.Path == "a.txt");
        var sub = set.Files.Single(f => f.Path == "lib/inner");
        Assert.True(sub.IsSubmodule);
        Assert.EndsWith("-dirty", sub.AddedLines.Single().Text, StringComparison.Ordinal);

        // A commit range in the same repository stays in-process.
        reader.ReadRange("HEAD", "HEAD");
        Assert.Null(reader.CliReason);
    }

    [Fact]
    public void Sparse_checkout_goes_to_the_git_command_line()
    {
        using var repo = new TempGitRepo();
        repo.Write("in/a.txt", "a\n");
        repo.Write("out/b.txt", "b\n");
        repo.Commit("base");
        repo.Git("sparse-checkout", "set", "in");
        Assert.False(File.Exists(Path.Combine(repo.Path, "out/b.txt")));
        repo.Write("in/a.txt", "a\nchanged\n");

        var reader = (LibGit2ChangeReader)GitReaders.Open(repo.Path, GitReaderKind.LibGit2);
        var set = reader.ReadWorkingTree();
        Assert.Contains("sparse", reader.CliReason, StringComparison.Ordinal);
        Assert.Equal(["in/a.txt"], set.Files.Select(f => f.Path));
    }

    [Fact]
    public void Text_that_is_not_utf8_goes_to_git_which_names_the_file()
    {
        using var repo = new TempGitRepo();
        repo.Write("latin1.txt", "x\n");
        var before = repo.Commit("base");
        repo.WriteBytes("latin1.txt", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n']);
        var after = repo.Commit("latin-1");
        var reader = (LibGit2ChangeReader)GitReaders.Open(repo.Path, GitReaderKind.LibGit2);
        var error = Assert.Throws<ChangeSetException>(() => reader.ReadRange(before, after));
        Assert.Equal("latin1.txt", error.Path);
        Assert.Contains("UTF-8", reader.CliReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bare_repository_reads_commits_and_refuses_a_working_tree()
    {
        var bare = Path.Combine(Path.GetTempPath(), "autopilot-bare-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            fixture.Repo.Git("clone", "-q", "--bare", fixture.Repo.Path, bare);
            var reader = GitReaders.Open(bare, GitReaderKind.LibGit2);
            var set = reader.ReadRange(fixture.Base, fixture.Head);
            Assert.Contains(set.Files, f => f.Path == "new name.txt" && f.Kind == ChangeKind.Renamed);
            Assert.Equal("one\ntwo\nthree\n", set.Files.Single(f => f.Path == "keep.txt").ReadOld()!.Text);
            var error = Assert.Throws<ChangeSetException>(() => reader.ReadWorkingTree());
            Assert.Contains("bare repository", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(bare))
            {
                Directory.Delete(bare, recursive: true);
            }
        }
    }

    [Fact]
    public void Untracked_nested_repository_is_listed_like_git_does()
    {
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "a\n");
        repo.Commit("base");
        using var nested = new TempGitRepo();
        Directory.Move(nested.Path, Path.Combine(repo.Path, "vendor"));
        try
        {
            var libgit2 = GitReaders.Open(repo.Path, GitReaderKind.LibGit2).ReadWorkingTree();
            var cli = GitReaders.Open(repo.Path, GitReaderKind.Cli).ReadWorkingTree();
            Assert.Equal(Describe(cli), Describe(libgit2));
            Assert.True(libgit2.Files.Single(f => f.Path == "vendor").IsSubmodule);
        }
        finally
        {
            Directory.Move(Path.Combine(repo.Path, "vendor"), nested.Path);
        }
    }
}
