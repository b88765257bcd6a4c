using Autopilot.MSBuild.Tests.Infrastructure;

namespace Autopilot.MSBuild.Tests.EndToEnd;

/// <summary>docs/examples/pre-commit, installed into a real repository's .git/hooks, running the built tool.</summary>
public sealed class PreCommitHookTests : IDisposable
{
    private readonly TempGitRepo _repo = new();
    private readonly Dictionary<string, string> _environment;

    public PreCommitHookTests()
    {
        _repo.Write("README.md", "# sample\n");
        _repo.Write("Greeter.cs", "namespace Sample;\n\npublic static class Greeter\n{\n}\n");
        _repo.Commit("initial");

        var hook = Path.Combine(_repo.Path, ".git", "hooks", "pre-commit");
        File.Copy(Path.Combine(TestProcess.RepoRoot, "docs", "examples", "pre-commit"), hook);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, File.GetUnixFileMode(hook) | UnixFileMode.UserExecute);
        }

        _environment = new() { ["AUTOPILOT"] = $"dotnet {TestProcess.CliDll}" };
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void ACommitWithASecretIsRefusedAndHeadStays()
    {
        var head = _repo.Git("rev-parse", "HEAD").Trim();
        _repo.Write("Greeter.cs", "namespace Sample;\n\npublic static class Greeter\n{\n    private const string Key = \"AKIAIOSFODNN7EXAMPLE\";\n}\n");
        _repo.Git("add", "-A");

        var commit = TestProcess.Run("git", ["commit", "-m", "add a key"], _repo.Path, _environment);

        Assert.True(commit.ExitCode != 0, commit.ToString());
        Assert.Contains("AP-DIFF-SECRETS", commit.Output);
        Assert.Contains("commit refused", commit.StdErr);
        Assert.Equal(head, _repo.Git("rev-parse", "HEAD").Trim());
    }

    [Fact]
    public void OnlyTheIndexIsJudged()
    {
        // The secret is in the working tree but not staged: the commit records only the clean file.
        _repo.Write("Notes.md", "nothing secret\n");
        _repo.Git("add", "Notes.md");
        _repo.Write("Greeter.cs", "namespace Sample;\n\npublic static class Greeter\n{\n    private const string Key = \"AKIAIOSFODNN7EXAMPLE\";\n}\n");

        var commit = TestProcess.Run("git", ["commit", "-m", "notes"], _repo.Path, _environment);

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Contains("notes", _repo.Git("log", "-1", "--format=%s"));
    }

    [Fact]
    public void AnEscalationIsRefusedUnlessAPersonLetsItThrough()
    {
        _repo.Write(".github/workflows/ci.yml", "on: push\n");
        _repo.Git("add", "-A");

        var refused = TestProcess.Run("git", ["commit", "-m", "ci"], _repo.Path, _environment);
        Assert.True(refused.ExitCode != 0, refused.ToString());
        Assert.Contains("AP-DIFF-PROTECTED", refused.Output);

        var approved = TestProcess.Run("git", ["commit", "-m", "ci"], _repo.Path, new Dictionary<string, string>(_environment) { ["AUTOPILOT_ESCALATE"] = "allow" });
        Assert.True(approved.ExitCode == 0, approved.ToString());
    }

    [Fact]
    public void AMissingToolRefusesTheCommit()
    {
        _repo.Write("Notes.md", "hello\n");
        _repo.Git("add", "-A");

        var commit = TestProcess.Run("git", ["commit", "-m", "notes"], _repo.Path, new Dictionary<string, string> { ["AUTOPILOT"] = "autopilot-does-not-exist" });

        Assert.True(commit.ExitCode != 0, commit.ToString());
        Assert.Contains("was not found", commit.StdErr);
    }
}
