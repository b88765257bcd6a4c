using Autopilot.MSBuild.Gate;
using Autopilot.MSBuild.Processes;
using Autopilot.MSBuild.Tests.Infrastructure;

namespace Autopilot.MSBuild.Tests.Unit;

public sealed class ProcessTests
{
    [Fact]
    public void ArgumentsSurviveQuotingIntoARealProcess()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the round trip below uses /bin/sh
        }

        string[] arguments = ["plain", "with space", "", "quote\"inside", "back\\slash", "trailing\\", "both \\\" mixed", "it's"];
        var result = new ProcessRunner().Run(
            "/bin/sh",
            ["-c", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", "sh", .. arguments],
            Path.GetTempPath(),
            TimeSpan.FromSeconds(30));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(arguments.Select(a => $"[{a}]"), result.StdOut.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void AProcessOverItsTimeIsStopped()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => new ProcessRunner().Run("sleep", ["30"], Path.GetTempPath(), TimeSpan.FromMilliseconds(300)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void StatusPathsIncludeRenamesOnceAndSkipTheirSources()
    {
        var status = " M src/a.cs\0?? new file.txt\0R  to.cs\0from.cs\0A  b.cs\0";
        Assert.Equal(["src/a.cs", "new file.txt", "to.cs", "b.cs"], GateKey.ChangedPaths(status));
    }

    [Fact]
    public void TheKeyFollowsContentRefsAndSettingsAndNothingElse()
    {
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "one\n");
        repo.Commit("initial");
        var runner = new ProcessRunner();
        string Key(params string[] settings) => GateKey.Compute(runner, repo.Path, settings, []);

        var clean = Key("mode=worktree");
        Assert.Equal(clean, Key("mode=worktree"));
        Assert.NotEqual(clean, Key("mode=staged"));

        repo.Write("a.txt", "two\n");
        var modified = Key("mode=worktree");
        Assert.NotEqual(clean, modified);

        // Still " M a.txt" in git status, but different content: a different key.
        repo.Write("a.txt", "three\n");
        Assert.NotEqual(modified, Key("mode=worktree"));

        repo.Write("untracked/b.txt", "b\n");
        var untracked = Key("mode=worktree");
        repo.Write("untracked/b.txt", "c\n");
        Assert.NotEqual(untracked, Key("mode=worktree"));

        // A new branch moves a ref (the default base is a merge base with one of them).
        var before = Key("mode=worktree");
        repo.Git("branch", "feature");
        Assert.NotEqual(before, Key("mode=worktree"));
    }

    [Fact]
    public void A_submodule_pointer_bump_changes_the_key_as_it_changes_what_the_gate_judges()
    {
        using var library = new TempGitRepo();
        library.Write("lib.txt", "v1\n");
        library.Commit("v1");
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "one\n");
        repo.Commit("initial");
        repo.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", library.Path, "lib");
        repo.Commit("add lib");
        var runner = new ProcessRunner();
        string Key() => GateKey.Compute(runner, repo.Path, ["mode=worktree"], []);

        var before = Key();
        Assert.Equal(before, Key());

        // New commits in the submodule's checkout: the superproject sees a changed pointer (" M lib").
        var sub = Path.Combine(repo.Path, "lib");
        File.WriteAllText(Path.Combine(sub, "lib.txt"), "v2\n");
        TestProcess.Must("git", ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "v2"], sub);
        var bumped = Key();
        Assert.NotEqual(before, bumped);

        // A second bump reads the same in git status; the checked-out commit still tells them apart.
        File.WriteAllText(Path.Combine(sub, "lib.txt"), "v3\n");
        TestProcess.Must("git", ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "v3"], sub);
        Assert.NotEqual(bumped, Key());
    }

    [Fact]
    public void OutsideARepositoryTheRootIsNotFoundAndTheReasonSaysSo()
    {
        using var dir = new TempDir();
        var root = GateKey.FindRepositoryRoot(new ProcessRunner(), dir.Path, out var problem);
        Assert.Null(root);
        Assert.Contains("not inside a git repository", problem);
    }
}
