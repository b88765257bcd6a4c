using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// Issue 14 through the CLI as a process: provenance in every output, the decision log, enforcement levels
/// (warn, shadow) and `policy report`, and `policy replay` over a ledger, a corpus and a git range.
/// </summary>
public sealed class PolicyLifecycleTests : IDisposable
{
    private const string Token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";

    private readonly TempGitRepo _repo = SampleRepository.Create();

    public PolicyLifecycleTests()
    {
        // A ledger folder: the repository keeps a decision log.
        Directory.CreateDirectory(Path.Combine(_repo.Path, ".autopilot", "ledger"));
        var builtIn = File.ReadAllText(Path.Combine(TestProcess.RepoRoot, "policies", "default.policy.yaml"));
        _repo.Write("policies/team.policy.yaml", builtIn.Replace("risks:\n", """
            risks:
              - id: team-no-curl
                risk: critical
                message: "curl leaves the sandbox"
                enforcement: shadow
                command:
                  programs: [curl]
              - id: team-warn-make
                risk: critical
                message: "make runs arbitrary recipes"
                enforcement: warn
                command:
                  programs: [make]

            """.Replace("\r\n", "\n"), StringComparison.Ordinal));
        // The proposal: curl enforced, make dropped.
        _repo.Write("proposed.yaml", builtIn.Replace("risks:\n", """
            risks:
              - id: team-no-curl
                risk: critical
                message: "curl leaves the sandbox"
                command:
                  programs: [curl]

            """.Replace("\r\n", "\n"), StringComparison.Ordinal));
    }

    public void Dispose() => _repo.Dispose();

    private ProcessResult Run(params string[] args) => TestProcess.Run("dotnet", [CliProcess.CliDll, .. args], _repo.Path);

    private string PolicyFile => Path.Combine(_repo.Path, "policies", "team.policy.yaml");

    private static int LineOf(string file, string text) => Array.FindIndex(File.ReadAllLines(file), l => l.Contains(text, StringComparison.Ordinal)) + 1;

    [Fact]
    public void ADecisionNamesThePolicyDigestAndTheDecidingRuleWithItsFileAndLine()
    {
        var denied = Run("check", "command", "rm -rf /", "--format", "json");
        Assert.Equal(2, denied.ExitCode);
        using var json = JsonDocument.Parse(denied.StdOut);
        var provenance = json.RootElement.GetProperty("provenance");
        Assert.Equal(64, provenance.GetProperty("policyDigest").GetString()!.Length);
        var rule = provenance.GetProperty("deciding").EnumerateArray().First(r => r.GetProperty("ruleId").GetString() == "AP-RISK-RM-ROOT");
        Assert.Equal(PolicyFile, rule.GetProperty("file").GetString());
        Assert.Equal(LineOf(PolicyFile, "id: AP-RISK-RM-ROOT"), rule.GetProperty("line").GetInt32());

        var text = Run("check", "command", "rm -rf /");
        Assert.Contains($"AP-RISK-RM-ROOT ({PolicyFile}:{LineOf(PolicyFile, "id: AP-RISK-RM-ROOT")})", text.StdOut);
        Assert.Contains("policy sha256:", text.StdOut);
    }

    [Fact]
    public void ShadowRulesAreInvisibleToTheAgentButRecordedAndReported()
    {
        var curl = Run("check", "command", "curl https://example.com", "--format", "json");
        Assert.True(curl.ExitCode == 0, curl.ToString());
        Assert.DoesNotContain("team-no-curl", curl.StdOut);

        var hook = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code"], _repo.Path,
            stdin: JsonSerializer.Serialize(new { hook_event_name = "PreToolUse", tool_name = "Bash", tool_input = new { command = "curl -H 'Authorization: " + Token + "' https://x" }, cwd = _repo.Path }));
        Assert.True(hook.ExitCode == 0, hook.ToString());
        Assert.DoesNotContain("team-no-curl", hook.Output);

        // The hook records denials, escalations and a task's decisions (with the action masked), not an allowed call
        // with no task (docs/agents.md); the same command checked by `check` is logged, masked.
        var withToken = Run("check", "command", "curl -H 'Authorization: " + Token + "' https://x", "--format", "json");
        Assert.True(withToken.ExitCode == 0, withToken.ToString());

        var warned = Run("check", "command", "make all", "--format", "json");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        using (var json = JsonDocument.Parse(warned.StdOut))
        {
            var finding = json.RootElement.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "team-warn-make");
            Assert.Equal("warning", finding.GetProperty("severity").GetString());
            Assert.Equal("warn", finding.GetProperty("enforcement").GetString());
            Assert.Equal("deny", finding.GetProperty("intended").GetString());
        }

        var ledger = File.ReadAllText(Path.Combine(_repo.Path, ".autopilot", "ledger", "ledger.jsonl"));
        Assert.DoesNotContain(Token, ledger);
        Assert.Contains("ghp_…masked…", ledger);
        Assert.Contains("\"kind\":\"decision\"", ledger);

        var report = Run("policy", "report", "--since", "7d", "--format", "json");
        Assert.True(report.ExitCode == 0, report.ToString());
        using var r = JsonDocument.Parse(report.StdOut);
        Assert.Equal(3, r.RootElement.GetProperty("decisions").GetInt32());
        var rules = r.RootElement.GetProperty("rules").EnumerateArray().ToDictionary(x => x.GetProperty("ruleId").GetString()!);
        Assert.Equal(2, rules["team-no-curl"].GetProperty("wouldChange").GetInt32());
        Assert.Equal("shadow", rules["team-no-curl"].GetProperty("enforcement").GetString());
        Assert.Equal(LineOf(PolicyFile, "id: team-no-curl"), rules["team-no-curl"].GetProperty("line").GetInt32());
        Assert.Equal(1, rules["team-warn-make"].GetProperty("wouldChange").GetInt32());

        var text = Run("policy", "report");
        Assert.Contains("shadow team-no-curl", text.StdOut);
        Assert.Equal(1, Run("policy", "report", "--since", "soon").ExitCode);
    }

    [Fact]
    public void ReplayOverTheDecisionLogListsWhatTightensAndFailsOnlyWhenSomethingLoosens()
    {
        Assert.Equal(0, Run("check", "command", "curl https://example.com").ExitCode);
        Assert.Equal(0, Run("check", "command", "make all").ExitCode);
        Assert.Equal(0, Run("check", "command", "ls -la").ExitCode);

        var forward = Run("policy", "replay", "--old", PolicyFile, "--new", "proposed.yaml", "--format", "json");
        Assert.True(forward.ExitCode == 0, forward.ToString());
        using (var json = JsonDocument.Parse(forward.StdOut))
        {
            var root = json.RootElement;
            Assert.Equal(3, root.GetProperty("replayed").GetProperty("ledger").GetInt32());
            Assert.Equal(1, root.GetProperty("tightened").GetInt32());
            Assert.Equal(0, root.GetProperty("loosened").GetInt32());
            var group = Assert.Single(root.GetProperty("rules").EnumerateArray());
            Assert.Equal("team-no-curl", group.GetProperty("ruleId").GetString());
            Assert.Equal("curl https://example.com", group.GetProperty("examples")[0].GetProperty("subject").GetString());
        }

        Assert.Equal(2, Run("policy", "replay", "--old", PolicyFile, "--new", "proposed.yaml", "--strict").ExitCode);

        var backward = Run("policy", "replay", "--old", "proposed.yaml", "--new", PolicyFile, "--format", "markdown");
        Assert.True(backward.ExitCode == 2, backward.ToString());
        Assert.Contains("| `team-no-curl` | 1 | 0 | 0 |", backward.StdOut);
    }

    [Fact]
    public void ReplayRefusesALedgerWhoseChainIsBrokenAndSaysWhere()
    {
        Assert.Equal(0, Run("check", "command", "ls").ExitCode);
        Assert.Equal(0, Run("check", "command", "pwd").ExitCode);
        var path = Path.Combine(_repo.Path, ".autopilot", "ledger", "ledger.jsonl");
        var lines = File.ReadAllLines(path);
        lines[0] = lines[0].Replace("\"command\":\"ls\"", "\"command\":\"rm\"", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        var replay = Run("policy", "replay", "--old", PolicyFile, "--new", "proposed.yaml");
        Assert.Equal(4, replay.ExitCode);
        Assert.Contains("does not verify", replay.StdErr);
        Assert.Contains("line 1", replay.StdErr);
        Assert.Equal("", replay.StdOut);
        Assert.Equal(4, Run("policy", "report").ExitCode);
    }

    [Fact]
    public void ReplayDecidesACorpusAndTheCommitsOfARange()
    {
        _repo.Write("corpus.jsonl", "{\"command\": \"curl https://a\"}\n{\"cmd\": \"ls\"}\n\n{\"command\": \"git status\"}\n");
        var corpus = Run("policy", "replay", "--old", PolicyFile, "--new", "proposed.yaml", "--corpus", "corpus.jsonl", "--format", "json");
        Assert.True(corpus.ExitCode == 0, corpus.ToString());
        using (var json = JsonDocument.Parse(corpus.StdOut))
        {
            Assert.Equal(3, json.RootElement.GetProperty("replayed").GetProperty("corpus").GetInt32());
            Assert.Equal(1, json.RootElement.GetProperty("tightened").GetInt32());
        }

        _repo.Write("corpus.jsonl", "{\"command\": \"ls\"}\nnot json\n");
        var bad = Run("policy", "replay", "--old", PolicyFile, "--new", "proposed.yaml", "--corpus", "corpus.jsonl");
        Assert.Equal(4, bad.ExitCode);
        Assert.Contains("corpus.jsonl:2", bad.StdErr);

        // Three commits; the proposal protects docs/: the commit touching it tightens.
        var first = _repo.Git("rev-parse", "HEAD").Trim();
        _repo.Write("src/App/More.cs", "class More { }\n");
        _repo.Commit("more code");
        _repo.Write("docs/guide.md", "# guide\n");
        _repo.Commit("a guide");
        var strictDocs = File.ReadAllText(Path.Combine(_repo.Path, "proposed.yaml")).Replace("diff:\n", """
            diff:
              - id: team-docs-protected
                kind: protected-paths
                paths: ["docs/**"]
                message: "docs are owned by the writers"

            """.Replace("\r\n", "\n"), StringComparison.Ordinal);
        var proposal = Path.Combine(Path.GetTempPath(), $"proposal-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(proposal, strictDocs);
        try
        {
            var git = Run("policy", "replay", "--old", "proposed.yaml", "--new", proposal, "--git", $"{first}..HEAD", "--format", "json");
            Assert.True(git.ExitCode == 0, git.ToString());
            using var json = JsonDocument.Parse(git.StdOut);
            Assert.Equal(2, json.RootElement.GetProperty("replayed").GetProperty("git").GetInt32());
            var group = Assert.Single(json.RootElement.GetProperty("rules").EnumerateArray());
            Assert.Equal("team-docs-protected", group.GetProperty("ruleId").GetString());
            Assert.EndsWith("a guide", group.GetProperty("examples")[0].GetProperty("subject").GetString());

            Assert.Equal(4, Run("policy", "replay", "--old", "proposed.yaml", "--new", proposal, "--git", "no-such-ref..HEAD").ExitCode);
        }
        finally
        {
            File.Delete(proposal);
        }
    }

    [Fact]
    public void GateOutputsCarryTheRulesFileAndLine()
    {
        _repo.Write("policies/extra.txt", "x\n");
        var sarif = Run("gate", "--format", "sarif", "--policy", PolicyFile);
        using var json = JsonDocument.Parse(sarif.StdOut);
        var run = json.RootElement.GetProperty("runs")[0];
        Assert.Equal(64, run.GetProperty("properties").GetProperty("policyHash").GetString()!.Length);
        var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().First(r => r.TryGetProperty("properties", out _));
        Assert.Equal(PolicyFile, rule.GetProperty("properties").GetProperty("policyFile").GetString());
        Assert.True(rule.GetProperty("properties").GetProperty("policyLine").GetInt32() > 0);

        var github = Run("gate", "--format", "github", "--policy", PolicyFile);
        Assert.Contains($"{PolicyFile.Replace(":", "%3A", StringComparison.Ordinal)}", github.StdOut);
        Assert.Contains("autopilot: ", github.StdOut);
        Assert.Contains("(policy sha256:", github.StdOut);
    }
}
