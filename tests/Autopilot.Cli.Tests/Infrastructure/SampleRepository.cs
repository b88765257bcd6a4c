namespace Autopilot.Cli.Tests.Infrastructure;

/// <summary>The repository the CLI tests judge: a tiny app and its tests, committed on main.</summary>
public static class SampleRepository
{
    public static TempGitRepo Create()
    {
        var repo = new TempGitRepo();
        repo.Write("README.md", "# sample\n");
        repo.Write("src/App/Program.cs", "class Program { static void Main() { } }\n");
        repo.Write("tests/App.Tests/ProgramTests.cs", "class ProgramTests { }\n");
        repo.Commit("initial");
        return repo;
    }
}
