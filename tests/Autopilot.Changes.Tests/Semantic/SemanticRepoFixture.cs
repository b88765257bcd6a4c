using System.Diagnostics;
using Autopilot.Changes.CSharp.Semantic;
using Autopilot.Changes.Gate;
using Autopilot.Changes.Tests.Git;
using Autopilot.Core.Policies;

namespace Autopilot.Changes.Tests.Semantic;

/// <summary>
/// One real repository for the semantic gate tests, judged once with <c>--semantic</c> and once without:
/// two SDK projects (Lib references Core), a project whose file does not load, a file no project owns, and a
/// working-tree change that adds (a) a banned overload called through a local, (b) another overload of it,
/// (c) a call on the project's own <c>Console</c>, beside (d) an old use left as it was.
/// </summary>
public sealed class SemanticRepoFixture : IDisposable
{
    public const string Policy = """
        apiVersion: autopilot/v1
        metadata:
          name: semantic
          version: 1.0.0
        phases: [implement]
        diff:
          - id: AP-BANNED
            kind: banned-api
            patterns:
              - "M:System.Diagnostics.Process.Kill;Do not kill processes"
              - "T:System.Console;Use ILogger"
              - "M:System.IO.Directory.Delete(System.String)"
        """;

    public const string WorkerBefore = """
        namespace Lib;

        public sealed class Worker
        {
            public void Existing()
            {
                new System.Diagnostics.Process().Kill();
            }
        }
        """;

    public const string WorkerAfter = """
        namespace Lib;

        public sealed class Worker
        {
            public void Existing()
            {
                new System.Diagnostics.Process().Kill();
            }

            public void Added()
            {
                var p = new System.Diagnostics.Process();
                p.Kill();
                p.Kill(true);
                Console.WriteLine("mine");
                Directory.Delete("x", true);
                Directory.Delete("y");
                Core.Factory.Make().Kill();
            }
        }
        """;

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
        </Project>
        """;

    public SemanticRepoFixture()
    {
        Repo = new TempGitRepo();
        Repo.Write(".gitignore", "bin/\nobj/\n");
        PolicyPath = Repo.Write("semantic.policy.yaml", Policy);
        Repo.Write("src/Core/Core.csproj", Project);
        Repo.Write("src/Core/Factory.cs", "namespace Core;\n\npublic static class Factory\n{\n    public static System.Diagnostics.Process Make() => new();\n}\n");
        Repo.Write("src/Lib/Lib.csproj", Project.Replace("</Project>", "  <ItemGroup>\n    <ProjectReference Include=\"../Core/Core.csproj\" />\n  </ItemGroup>\n</Project>", StringComparison.Ordinal));
        Repo.Write("src/Lib/Console.cs", "namespace Lib;\n\n/// <summary>The project's own Console: not System.Console.</summary>\npublic static class Console\n{\n    public static void WriteLine(string text) => _ = text;\n}\n");
        Repo.Write("src/Lib/Worker.cs", WorkerBefore);
        Repo.Write("src/Broken/Broken.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0\n</Project>\n");
        Repo.Write("src/Broken/Thing.cs", "class Thing { }\n");
        Repo.Write("tools/Script.cs", "class Script { }\n");
        Base = Repo.Commit("base");

        Repo.Write("src/Lib/Worker.cs", WorkerAfter);
        Repo.Write("src/Lib/Bad.cs", "namespace Lib;\n\nclass Bad\n{\n    void M() { Console.WriteLine(\"x\"); int n = \"not a number\"; }\n}\n");
        Repo.Write("src/Broken/Thing.cs", "class Thing { void M() { System.Console.WriteLine(); } }\n");
        Repo.Write("tools/Script.cs", "class Script { void M() { System.Console.WriteLine(); } }\n");

        Engine = PolicySource.Load(PolicyPath).Engine ?? throw new InvalidOperationException("the test policy does not load");
        var rules = Engine.Plan.Diff;
        var request = new GateRequest { RepositoryRoot = Repo.Path, Base = "main" };

        var clock = Stopwatch.StartNew();
        Semantic = new ChangeGate(Engine, [new CSharpAnalysis(rules, new SemanticOptions(Repo.Path))]).Judge(request);
        SemanticTime = clock.Elapsed;
        Syntax = new ChangeGate(Engine, [new CSharpAnalysis(rules)]).Judge(request);
    }

    public TempGitRepo Repo { get; }

    public string PolicyPath { get; }

    public string Base { get; }

    public PolicyEngine Engine { get; }

    public GateResult Semantic { get; }

    public TimeSpan SemanticTime { get; }

    public GateResult Syntax { get; }

    public void Dispose() => Repo.Dispose();
}
