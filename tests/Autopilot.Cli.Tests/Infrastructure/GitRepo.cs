namespace Autopilot.Cli.Tests.Infrastructure;

/// <summary>A real git repository in a temporary folder, with a first commit on main.</summary>
public sealed class GitRepo : IDisposable
{
    private readonly TempDir _dir = new();

    public GitRepo()
    {
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "test@autopilot.invalid");
        Git("config", "user.name", "Autopilot Test");
        Git("config", "commit.gpgsign", "false");
        Write("README.md", "# sample\n");
        Write("src/App/Program.cs", "class Program { static void Main() { } }\n");
        Write("tests/App.Tests/ProgramTests.cs", "class ProgramTests { }\n");
        Commit("initial");
    }

    public string Path => _dir.Path;

    public string Write(string relative, string content) => _dir.Write(relative, content);

    public string Git(params string[] args)
    {
        var result = CliProcess.Start("git", args, Path);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {result}");
        }

        return result.StdOut;
    }

    public void Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
    }

    public void Dispose() => _dir.Dispose();
}
