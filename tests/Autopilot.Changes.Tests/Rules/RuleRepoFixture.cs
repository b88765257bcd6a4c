using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;
using Autopilot.Changes.Tests.Git;

namespace Autopilot.Changes.Tests.Rules;

/// <summary>
/// One real repository shared by the rule tests: a base commit with a small tree, and each scenario committed
/// on a detached head from that base and read back through the default git reader (<see cref="GitReaders"/>).
/// </summary>
public sealed class RuleRepoFixture : IDisposable
{
    private readonly object _gate = new();

    public RuleRepoFixture()
    {
        Repo = new TempGitRepo();
        Repo.Write("src/App/Program.cs", "class Program { }\n");
        Repo.Write("src/App/Service.cs", "class Service { }\n");
        Repo.Write("tests/App.Tests/ServiceTests.cs", "class ServiceTests { }\n");
        Repo.Write("docs/guide.md", "# Guide\n");
        Repo.Write("README.md", "readme\n");
        Repo.Write("policies/default.policy.yaml", "version: 1\n");
        Repo.Write(".github/workflows/ci.yml", "on: push\n");
        Repo.Write("db/migrations/001_init.sql", "create table t (id int);\n");
        Repo.Write("config/appsettings.json", "{ \"a\": 1 }\n");
        Base = Repo.Commit("base");
        Reader = GitReaders.Open(Repo.Path);
    }

    public TempGitRepo Repo { get; }

    public string Base { get; }

    internal IGitChangeReader Reader { get; }

    /// <summary>Applies <paramref name="edit"/> on top of the base commit and returns the change base..edit.</summary>
    public ChangeSet Change(Action<TempGitRepo> edit)
    {
        lock (_gate)
        {
            Repo.Git("checkout", "-q", "-f", "--detach", Base);
            Repo.Git("clean", "-fdq");
            edit(Repo);
            var head = Repo.Commit("scenario");
            return Reader.ReadRange(Base, head);
        }
    }

    public void Dispose() => Repo.Dispose();
}
