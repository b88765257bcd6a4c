using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// `autopilot hook &lt;agent&gt;` as the real process each agent starts, fed the agent's recorded payloads
/// (Fixtures/&lt;agent&gt;/, provenance in Fixtures/README.md), answering in exactly the shape and exit code the agent reads.
/// </summary>
public sealed class AgentHookTests : IDisposable
{
    private readonly TempGitRepo _repo = SampleRepository.Create();
    private readonly string _home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public void Dispose() => _repo.Dispose();

    private string Payload(string agent, string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", agent, name))
            .Replace("{cwd}", _repo.Path, StringComparison.Ordinal).Replace("{home}", _home, StringComparison.Ordinal);

    private ProcessResult Hook(string agent, string payload, IDictionary<string, string>? environment = null, params string[] args) =>
        TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", agent, .. args], _repo.Path, environment, stdin: Payload(agent, payload));

    private static JsonElement Json(ProcessResult result)
    {
        using var doc = JsonDocument.Parse(result.StdOut);
        return doc.RootElement.Clone();
    }

    private static string[] Names(JsonElement obj) => obj.EnumerateObject().Select(p => p.Name).ToArray();

    // ---- Claude Code ----

    [Fact]
    public void ClaudeCodePreToolUseDeniesWithTheRuleAndTheWayForward()
    {
        var result = Hook("claude-code", "pre-bash-pipe-to-shell.json");
        Assert.True(result.ExitCode == 2, result.ToString());
        var output = Json(result).GetProperty("hookSpecificOutput");
        Assert.Equal("deny", output.GetProperty("permissionDecision").GetString());
        var reason = output.GetProperty("permissionDecisionReason").GetString()!;
        Assert.Contains("AP-RISK-PIPE-TO-SHELL", reason);
        Assert.Contains("Instead: ", reason);
        Assert.Contains("AP-RISK-PIPE-TO-SHELL", result.StdErr);
    }

    [Theory]
    [InlineData("permission-request-rm-home.json", "deny")]
    [InlineData("permission-request-test.json", "allow")]
    public void ClaudeCodePermissionRequestAnswersTheDialog(string payload, string behavior)
    {
        var result = Hook("claude-code", payload);
        Assert.True(result.ExitCode == 0, result.ToString());
        var output = Json(result).GetProperty("hookSpecificOutput");
        Assert.Equal("PermissionRequest", output.GetProperty("hookEventName").GetString());
        var decision = output.GetProperty("decision");
        Assert.Equal(behavior, decision.GetProperty("behavior").GetString());
        Assert.Equal(behavior == "deny", decision.TryGetProperty("message", out var message) && message.GetString()!.Contains("Instead: ", StringComparison.Ordinal));
    }

    [Fact]
    public void ClaudeCodePermissionRequestLeavesAnEscalationToThePerson()
    {
        var result = Hook("claude-code", "permission-request-force-push.json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdOut);
    }

    [Theory]
    [InlineData("stop.json")]
    [InlineData("subagent-stop.json")]
    public void ClaudeCodeStopIsAnEvidenceGate(string payload)
    {
        var task = new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-1", ["AUTOPILOT_PHASE"] = "verify" };

        // No evidence yet: the agent may not finish, and the reason names the rule and the file to produce.
        var missing = Hook("claude-code", payload, task);
        Assert.True(missing.ExitCode == 0, missing.ToString());
        var block = Json(missing);
        Assert.Equal("block", block.GetProperty("decision").GetString());
        Assert.Contains("AP-EVIDENCE-MISSING", block.GetProperty("reason").GetString());
        Assert.Contains("test_results.json", block.GetProperty("reason").GetString());
        Assert.Contains("Instead: ", block.GetProperty("reason").GetString());

        // Evidence that is there but failing still blocks.
        _repo.Write("state/evidence/T-1/verify/test_results.json", """{"total": 3, "passed": 2, "failed": 1}""");
        _repo.Write("state/evidence/T-1/verify/build_output.log", "Build succeeded.\n    0 Error(s)\n");
        var failing = Hook("claude-code", payload, task);
        Assert.Equal("block", Json(failing).GetProperty("decision").GetString());
        Assert.Contains("test_results", Json(failing).GetProperty("reason").GetString());
        Assert.DoesNotContain("AP-EVIDENCE-MISSING", Json(failing).GetProperty("reason").GetString());

        // All of it present and passing: the agent may finish (no answer).
        _repo.Write("state/evidence/T-1/verify/test_results.json", """{"total": 3, "passed": 3, "failed": 0}""");
        var done = Hook("claude-code", payload, task);
        Assert.True(done.ExitCode == 0 && done.StdOut == "", done.ToString());

        // Each stop decision was recorded against the task, with what the agent was told.
        var ledger = CliProcess.Run(_repo.Path, null, "ledger", "show", "--task", "T-1", "--format", "json");
        Assert.Contains("\"told\"", ledger.StdOut);
        Assert.Contains("AP-EVIDENCE-MISSING", ledger.StdOut);
    }

    [Fact]
    public void WithoutATaskStopIsNotGated()
    {
        var result = Hook("claude-code", "stop.json");
        Assert.True(result.ExitCode == 0 && result.StdOut == "", result.ToString());
    }

    // ---- Codex ----

    [Fact]
    public void CodexAllowIsNoOutputAtAll()
    {
        // A bare "allow" (or any unknown field) is a failed hook to Codex, which then runs the tool.
        var result = Hook("codex", "pre-bash-status.json");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Equal("", result.StdErr);
    }

    [Theory]
    [InlineData("pre-bash-rm-home.json", "AP-RISK-RM-ROOT")]
    [InlineData("pre-unknown-field.json", "no command")]
    public void CodexDenyIsExitTwoWithTheReasonOnStderrAndNothingOnStdout(string payload, string expected)
    {
        var result = Hook("codex", payload);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Contains(expected, result.StdErr);
        Assert.Contains("Instead: ", result.StdErr);
    }

    [Fact]
    public void CodexEscalationIsADenyWithAOneTimeApprovalCode()
    {
        var first = Hook("codex", "pre-bash-force-push.json");
        Assert.True(first.ExitCode == 2, first.ToString());
        Assert.Equal("", first.StdOut);
        var code = System.Text.RegularExpressions.Regex.Match(first.StdErr, "autopilot approve (apv-[0-9a-f]{12})").Groups[1].Value;
        Assert.NotEmpty(code);

        // The same action gets the same code; a person approves it once.
        Assert.Contains(code, Hook("codex", "pre-bash-force-push.json").StdErr);
        var approve = CliProcess.Run(_repo.Path, null, "approve", code);
        Assert.True(approve.ExitCode == 0, approve.ToString());
        var allowed = Hook("codex", "pre-bash-force-push.json");
        Assert.True(allowed.ExitCode == 0 && allowed.StdOut == "", allowed.ToString());
        var again = Hook("codex", "pre-bash-force-push.json");
        Assert.True(again.ExitCode == 2, again.ToString());

        // The environment grants once too; an unknown code is refused.
        var env = new Dictionary<string, string> { ["AUTOPILOT_APPROVE"] = code };
        Assert.Equal(0, Hook("codex", "pre-bash-force-push.json", env).ExitCode);
        Assert.Equal(2, Hook("codex", "pre-bash-force-push.json", env).ExitCode);
        Assert.Equal(4, CliProcess.Run(_repo.Path, null, "approve", "apv-000000000000").ExitCode);

        var ledger = CliProcess.Run(_repo.Path, null, "ledger", "show", "--format", "json").StdOut;
        Assert.Contains("\"pending\"", ledger);
        Assert.Contains("\"granted\"", ledger);
        Assert.Contains("\"consumed\"", ledger);
    }

    [Fact]
    public void CodexApplyPatchIsJudgedPerFile()
    {
        Assert.Equal(0, Hook("codex", "pre-apply-patch-source.json").ExitCode);
        var workflow = Hook("codex", "pre-apply-patch-workflow.json");
        Assert.True(workflow.ExitCode == 2, workflow.ToString());
        Assert.Contains(".github/workflows", workflow.StdErr);
        Assert.Contains("autopilot approve apv-", workflow.StdErr);
    }

    [Fact]
    public void CodexPermissionRequestAndStopUseTheirOwnShapes()
    {
        var permission = Hook("codex", "permission-request-rm-home.json");
        Assert.True(permission.ExitCode == 0, permission.ToString());
        var output = Json(permission).GetProperty("hookSpecificOutput");
        Assert.Equal(["hookEventName", "decision"], Names(output));
        Assert.Equal(["behavior", "message"], Names(output.GetProperty("decision")));
        Assert.Equal("deny", output.GetProperty("decision").GetProperty("behavior").GetString());

        var stop = Hook("codex", "stop.json", new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-2", ["AUTOPILOT_PHASE"] = "spec" });
        Assert.Equal(["decision", "reason"], Names(Json(stop)));
        Assert.Equal("block", Json(stop).GetProperty("decision").GetString());
    }

    [Fact]
    public void CodexPostToolUseEscalatesAfterRepeatedFailures()
    {
        Assert.Equal("", Hook("codex", "post-bash-failed.json").StdOut);
        Assert.Equal("", Hook("codex", "post-bash-failed.json").StdOut);
        var third = Json(Hook("codex", "post-bash-failed.json"));
        Assert.Equal(["decision", "reason"], Names(third));
        Assert.Contains("AP-ESC-CONSECUTIVE-FAILURES", third.GetProperty("reason").GetString());
    }

    // ---- Gemini CLI ----

    [Theory]
    [InlineData("before-shell-force-push.json", "ask", 0)]
    [InlineData("before-shell-pipe-to-shell.json", "deny", 2)]
    [InlineData("before-write-source.json", "allow", 0)]
    public void GeminiBeforeToolAnswersWithATopLevelDecision(string payload, string decision, int exitCode)
    {
        var result = Hook("gemini", payload);
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var json = Json(result);
        Assert.Equal(decision, json.GetProperty("decision").GetString());
        if (decision != "allow")
        {
            Assert.Contains("Instead: ", json.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public void GeminiAfterAgentSendsTheAgentBackWhileEvidenceIsMissing()
    {
        var result = Hook("gemini", "after-agent.json", new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-3", ["AUTOPILOT_PHASE"] = "spec" });
        var json = Json(result);
        Assert.Equal("deny", json.GetProperty("decision").GetString());
        Assert.Contains("spec.md", json.GetProperty("reason").GetString());
    }

    // ---- Cursor ----

    [Theory]
    [InlineData("before-shell-status.json", "allow")]
    [InlineData("before-shell-force-push.json", "ask")]
    [InlineData("before-shell-pipe-to-shell.json", "deny")]
    public void CursorShellHookAnswersPermission(string payload, string permission)
    {
        var result = Hook("cursor", payload);
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = Json(result);
        Assert.Equal(permission, json.GetProperty("permission").GetString());
        if (permission != "allow")
        {
            Assert.Contains("Instead: ", json.GetProperty("agent_message").GetString());
            Assert.Equal(json.GetProperty("agent_message").GetString(), json.GetProperty("user_message").GetString());
        }
    }

    [Fact]
    public void CursorReadHookCannotAskSoAnEscalationIsDeniedWithAnApprovalCode()
    {
        var json = Json(Hook("cursor", "before-read-ssh-key.json"));
        Assert.Equal("deny", json.GetProperty("permission").GetString());
        Assert.Contains("autopilot approve apv-", json.GetProperty("agent_message").GetString());
    }

    [Fact]
    public void CursorStopSendsAFollowUpWhileEvidenceIsMissing()
    {
        var json = Json(Hook("cursor", "stop.json", new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-4", ["AUTOPILOT_PHASE"] = "spec" }));
        Assert.Equal(["followup_message"], Names(json));
        Assert.Contains("AP-EVIDENCE-MISSING", json.GetProperty("followup_message").GetString());
    }

    // ---- GitHub Copilot CLI ----

    [Fact]
    public void CopilotDeniesInJsonAndAllowsWithNoOutput()
    {
        var deny = Hook("copilot", "pre-bash-rm-home.json");
        Assert.True(deny.ExitCode == 0, deny.ToString());
        var json = Json(deny);
        Assert.Equal(["permissionDecision", "permissionDecisionReason"], Names(json));
        Assert.Equal("deny", json.GetProperty("permissionDecision").GetString());

        var allow = Hook("copilot", "pre-edit-source.json");
        Assert.True(allow.ExitCode == 0 && allow.StdOut == "", allow.ToString());
    }

    [Fact]
    public void CopilotOnlyProcessesDenySoAnEscalationCarriesAnApprovalCode()
    {
        var json = Json(Hook("copilot", "pre-bash-force-push.json"));
        Assert.Equal("deny", json.GetProperty("permissionDecision").GetString());
        Assert.Contains("autopilot approve apv-", json.GetProperty("permissionDecisionReason").GetString());
    }

    [Fact]
    public void CopilotToolArgsThatAreNotJsonAreDenied()
    {
        var json = Json(Hook("copilot", "pre-bad-toolargs.json"));
        Assert.Equal("deny", json.GetProperty("permissionDecision").GetString());
        Assert.Contains("toolArgs", json.GetProperty("permissionDecisionReason").GetString());
    }

    // ---- Bad input, for every agent: the agent's blocking answer, never a crash ----

    [Theory]
    [InlineData("claude-code", 2)]
    [InlineData("codex", 2)]
    [InlineData("gemini", 2)]
    [InlineData("cursor", 0)]
    [InlineData("copilot", 0)]
    public void BadInputIsTheAgentsBlock(string agent, int exitCode)
    {
        foreach (var (stdin, args, expected) in new (string, string[], string)[]
        {
            ("{\"truncated\": ", [], "not valid"),
            ("", [], "no input"),
            ("[1, 2]", [], "not a JSON object"),
        })
        {
            var result = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", agent, .. args], _repo.Path, stdin: stdin);
            Assert.True(result.ExitCode == exitCode, result.ToString());
            Assert.Contains(expected, result.StdErr);
            AssertBlocks(agent, result);
        }
    }

    [Theory]
    [InlineData("claude-code", "pre-bash-pipe-to-shell.json")]
    [InlineData("codex", "pre-bash-status.json")]
    [InlineData("gemini", "before-write-source.json")]
    [InlineData("cursor", "before-shell-status.json")]
    [InlineData("copilot", "pre-edit-source.json")]
    public void ABrokenPolicyAStateFolderThatCannotBeWrittenAndOurOwnDeadlineBlock(string agent, string payload)
    {
        var broken = _repo.Write(".autopilot/policy.yaml", "phases: [a, b\n");
        var result = Hook(agent, payload);
        Assert.Contains("has errors", result.StdErr);
        AssertBlocks(agent, result);
        File.Delete(broken);

        // A state folder that is a file: the decision cannot be recorded for the task, so it is not let through.
        var file = _repo.Write("not-a-folder", "x");
        result = Hook(agent, payload, new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-5" }, "--state-dir", file);
        Assert.Contains("cannot be recorded", result.StdErr);
        AssertBlocks(agent, result);

        result = Hook(agent, payload, null, "--deadline-ms", "1");
        Assert.Contains("deadline", result.StdErr);
        AssertBlocks(agent, result);
    }

    private static void AssertBlocks(string agent, ProcessResult result)
    {
        switch (agent)
        {
            case "claude-code":
                Assert.Equal(2, result.ExitCode);
                Assert.Equal("deny", Json(result).GetProperty("hookSpecificOutput").GetProperty("permissionDecision").GetString());
                break;
            case "codex":
                Assert.Equal(2, result.ExitCode);
                Assert.Equal("", result.StdOut);
                break;
            case "gemini":
                Assert.Equal(2, result.ExitCode);
                Assert.Equal("deny", Json(result).GetProperty("decision").GetString());
                break;
            case "cursor":
                Assert.Equal("deny", Json(result).GetProperty("permission").GetString());
                break;
            default:
                Assert.Equal("deny", Json(result).GetProperty("permissionDecision").GetString());
                break;
        }

        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal); // a reason, not a stack trace
    }
}
