using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>`autopilot gate` as a process on real temporary repositories.</summary>
public sealed class GateCommandTests : IDisposable
{
    private readonly TempGitRepo _repo = SampleRepository.Create();

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gate(params string[] args) => CliProcess.Run(_repo.Path, null, ["gate", .. args]);

    [Fact]
    public void ACleanTreeIsAllowed()
    {
        var result = Gate();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("0 file(s)", result.StdOut.Trim());
    }

    [Fact]
    public void ASmallChangeWithTestsIsAllowedAndTheVerdictIsOnTheLastLine()
    {
        _repo.Git("checkout", "-q", "-b", "feature");
        _repo.Write("src/App/Program.cs", "class Program { static void Main() { System.Console.WriteLine(1); } }\n");
        _repo.Write("tests/App.Tests/ProgramTests.cs", "class ProgramTests { void Prints() { } }\n");
        _repo.Commit("change");
        _repo.Write("src/App/Extra.cs", "class Extra { }\n"); // uncommitted and untracked: judged too
        _repo.Write("tests/App.Tests/ExtraTests.cs", "class ExtraTests { }\n");
        var result = Gate();
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Trim().Split('\n');
        Assert.StartsWith("ALLOW: ", lines[^1]);
        Assert.Contains("4 file(s)", lines[^1]);
    }

    [Fact]
    public void ASecretInAnAddedLineIsDeniedAtItsLine()
    {
        _repo.Write("src/App/Config.cs", "class Config {\n  const string Key = \"AKIAIOSFODNN7EXAMPLF\";\n}\n");
        var result = Gate("--format", "json");
        Assert.True(result.ExitCode == 2, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("deny", json.RootElement.GetProperty("verdict").GetString());
        var secret = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "AP-DIFF-SECRETS");
        Assert.Equal("src/App/Config.cs", secret.GetProperty("location").GetProperty("path").GetString());
        Assert.Equal(2, secret.GetProperty("location").GetProperty("line").GetInt32());
    }

    [Fact]
    public void AProtectedPathEscalates()
    {
        _repo.Write(".github/workflows/ci.yml", "on: push\n");
        var result = Gate();
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains(".github/workflows/ci.yml", result.StdOut);
        Assert.Contains("AP-DIFF-PROTECTED", result.StdOut.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void SarifOutputHasRulesResultsAndLocations()
    {
        _repo.Write("src/App/Config.cs", "class Config {\n  const string Key = \"AKIAIOSFODNN7EXAMPLF\";\n}\n");
        var result = Gate("--format", "sarif");
        Assert.True(result.ExitCode == 2, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("2.1.0", json.RootElement.GetProperty("version").GetString());
        var run = json.RootElement.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();

        // informationUri is the project URL the build recorded (Directory.Build.props), not a literal of its own.
        var props = File.ReadAllText(Path.Combine(TestProcess.RepoRoot, "Directory.Build.props"));
        var projectUrl = System.Text.RegularExpressions.Regex.Match(props, "<PackageProjectUrl>(.*)</PackageProjectUrl>").Groups[1].Value;
        Assert.Equal(projectUrl, run.GetProperty("tool").GetProperty("driver").GetProperty("informationUri").GetString());
        var secret = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("ruleId").GetString() == "AP-DIFF-SECRETS");
        Assert.Equal("error", secret.GetProperty("level").GetString());
        Assert.Equal(rules.IndexOf("AP-DIFF-SECRETS"), secret.GetProperty("ruleIndex").GetInt32());
        var physical = secret.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("src/App/Config.cs", physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(2, physical.GetProperty("region").GetProperty("startLine").GetInt32());
    }

    [Fact]
    public void GitHubAnnotationsPointAtTheLine()
    {
        _repo.Write("src/App/Config.cs", "class Config {\n  const string Key = \"AKIAIOSFODNN7EXAMPLF\";\n}\n");
        var result = Gate("--format", "github");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("::error file=src/App/Config.cs,line=2,", result.StdOut);
    }

    [Fact]
    public void ACommitRangeIsJudged()
    {
        _repo.Git("checkout", "-q", "-b", "feature");
        _repo.Write(".github/workflows/release.yml", "on: tag\n");
        _repo.Commit("workflow");
        var result = Gate("--base", "main", "--head", "feature");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("release.yml", result.StdOut);
    }

    [Fact]
    public void AUnifiedDiffFromStdinIsJudged()
    {
        const string diff = """
            diff --git a/src/x.txt b/src/x.txt
            new file mode 100644
            --- /dev/null
            +++ b/src/x.txt
            @@ -0,0 +1,2 @@
            +hello
            +-----BEGIN RSA PRIVATE KEY-----

            """;
        var result = CliProcess.Run(_repo.Path, diff, "gate", "--diff", "-", "--format", "json");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("AP-DIFF-SECRETS", result.StdOut);
    }

    [Fact]
    public void ACorruptDiffIsBadInputAndFailsClosed()
    {
        var result = CliProcess.Run(_repo.Path, "diff --git a/x b/x\n@@ -1,2 +1,2 @@\n+only one\n", "gate", "--diff", "-", "--format", "json");
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("cannot read the change", result.StdErr);
        Assert.Contains("\"verdict\": \"deny\"", result.StdOut);
    }

    [Fact]
    public void OutsideARepositoryOrWithAnUnknownBaseItIsBadInput()
    {
        using var plain = new TempDir();
        var outside = CliProcess.Run(plain.Path, null, "gate");
        Assert.True(outside.ExitCode == 4, outside.ToString());
        var unknown = Gate("--base", "no-such-branch");
        Assert.True(unknown.ExitCode == 4, unknown.ToString());
        Assert.Contains("no-such-branch", unknown.StdErr);
    }

    [Fact]
    public void TheGateNeverModifiesTheRepository()
    {
        _repo.Write("src/App/New.cs", "class New { }\n");
        _repo.Write("src/App/Program.cs", "class Program { }\n");
        var statusBefore = _repo.Git("status", "--porcelain=v1", "-z");
        var index = Path.Combine(_repo.Path, ".git", "index");
        var indexBefore = File.ReadAllBytes(index);
        Gate();
        Gate("--staged");
        Assert.Equal(statusBefore, _repo.Git("status", "--porcelain=v1", "-z"));
        Assert.Equal(indexBefore, File.ReadAllBytes(index));
    }

    [Fact]
    public void TwoChangeSourcesAtOnceIsAUsageError()
    {
        var result = Gate("--staged", "--worktree");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Choose one of", result.StdErr);
    }

    [Fact]
    public void AWorkOrderLimitsTheScopeAndNamesTheFileOutside()
    {
        var order = _repo.Write("../" + Path.GetFileName(_repo.Path) + "-order.json", """
            { "taskId": "T-42", "allowedPaths": ["src/App/**", "tests/**"] }
            """);
        _repo.Write("src/App/Feature.cs", "class Feature { }\n");
        _repo.Write("tests/App.Tests/FeatureTests.cs", "class FeatureTests { }\n");
        Assert.True(Gate("--work-order", order).ExitCode == 0);
        _repo.Write("docs/notes.md", "notes\n");
        var result = Gate("--work-order", order);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("docs/notes.md", result.StdOut);
        Assert.Contains("AP-DIFF-SCOPE", result.StdOut.Trim().Split('\n')[^1]);
        File.Delete(order);
    }

    [Fact]
    public void AnInvalidWorkOrderIsBadInputWithItsPosition()
    {
        var order = Path.Combine(_repo.Path, "..", Path.GetFileName(_repo.Path) + "-bad.json");
        File.WriteAllText(order, "{ \"taskId\": \"T-1\",\n  \"allowedPaths\": 3 }");
        var result = Gate("--work-order", order, "--format", "json");
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("allowedPaths", result.StdErr);
        Assert.Contains("\"line\": 2", result.StdOut);
        File.Delete(order);
    }

    [Fact]
    public void RemovingPublicApiEscalatesAndABannedApiIsDenied()
    {
        _repo.Write("src/App/Api.cs", "namespace App;\npublic class Api\n{\n    public int Add(int a, int b) => a + b;\n    public int Sub(int a, int b) => a - b;\n}\n");
        _repo.Write("tests/App.Tests/ApiTests.cs", "class ApiTests { }\n");
        _repo.Commit("api");
        _repo.Write("src/App/Api.cs", "namespace App;\npublic class Api\n{\n    public int Add(int a, int b) => a + b;\n}\n");
        _repo.Write("tests/App.Tests/ApiTests.cs", "class ApiTests { void T() { } }\n");
        var removed = Gate("--format", "json");
        Assert.True(removed.ExitCode == 3, removed.ToString());
        Assert.Contains("AP-DIFF-PUBLIC-API", removed.StdOut);
        Assert.Contains("App.Api.Sub(int, int)", removed.StdOut);

        _repo.Write("src/App/Exit.cs", "namespace App;\ninternal static class Quit\n{\n    public static void Now() => System.Environment.Exit(1);\n}\n");
        var banned = Gate("--format", "json");
        Assert.True(banned.ExitCode == 2, banned.ToString());
        Assert.Contains("AP-DIFF-BANNED-API", banned.StdOut);
    }

    [Fact]
    public void ACSharpFileThatDoesNotParseIsDeniedAtTheError()
    {
        _repo.Write("src/App/Broken.cs", "class Broken {\n  void M( {\n}\n");
        _repo.Write("tests/App.Tests/BrokenTests.cs", "class BrokenTests { }\n");
        var result = Gate("--format", "json");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("AP-CSHARP-PARSE", result.StdOut);
        Assert.Contains("\"path\": \"src/App/Broken.cs\"", result.StdOut);
    }

    [Fact]
    public void WorkOrderLintReportsPositions()
    {
        using var dir = new TempDir();
        var good = dir.Write("good.json", """{ "taskId": "T-1", "allowedPaths": ["src/**"] }""");
        var bad = dir.Write("bad.json", "{\n  \"taskId\": \"T-1\",\n  \"allowedPaths\": [\"src/**\"],\n  \"colour\": \"blue\"\n}");
        Assert.Equal(0, CliProcess.Run(dir.Path, null, "workorder", "lint", good).ExitCode);
        var result = CliProcess.Run(dir.Path, null, "workorder", "lint", bad);
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("bad.json(4,", result.StdOut);
    }

    [Fact]
    public async Task SarifValidatesAgainstTheOfficialSarif210Schema()
    {
        _repo.Write("src/App/Config.cs", "class Config {\n  const string Key = \"AKIAIOSFODNN7EXAMPLF\";\n}\n");
        _repo.Write(".github/workflows/ci.yml", "on: push\n");
        var result = Gate("--format", "sarif");
        Assert.Equal(2, result.ExitCode);
        var schema = await NJsonSchema.JsonSchema.FromJsonAsync(SarifSchema.Text);
        var errors = schema.Validate(result.StdOut);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => e.ToString())));

        // The validator is not vacuous: a result without its required message is refused.
        var broken = result.StdOut.Replace("\"message\": {", "\"messageX\": {", StringComparison.Ordinal);
        Assert.NotEmpty(schema.Validate(broken));
    }
}
