using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>`autopilot hook claude-code` as the real process Claude Code starts, fed recorded hook payloads.</summary>
public sealed class HookCommandTests : IDisposable
{
    private readonly TempGitRepo _repo = SampleRepository.Create();

    public void Dispose() => _repo.Dispose();

    private ProcessResult Hook(string payload, params string[] args)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HookPayloads", payload)).Replace("{cwd}", _repo.Path, StringComparison.Ordinal);
        return TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code", .. args], _repo.Path, stdin: text);
    }

    [Theory]
    [InlineData("bash-benign.json", "allow")]
    [InlineData("bash-force-push.json", "ask")]             // high risk at default → execute_safe: a human decides
    [InlineData("bash-pipe-to-shell.json", "deny")]         // critical at execute_safe: denied outright
    [InlineData("edit-workflow.json", "ask")]
    [InlineData("write-source.json", "allow")]
    [InlineData("multiedit-policy.json", "ask")]            // critical at bypassPermissions → full_auto: still a human
    [InlineData("notebook-edit.json", "allow")]
    [InlineData("read-ssh-key.json", "ask")]
    [InlineData("read-source.json", "allow")]
    [InlineData("webfetch.json", "ask")]
    [InlineData("mcp-github-merge.json", "ask")]
    public void PreToolUseAnswersInTheContractShape(string payload, string expected)
    {
        var result = Hook(payload);
        var deny = expected == "deny";
        Assert.True(result.ExitCode == (deny ? 2 : 0), result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        var output = json.RootElement.GetProperty("hookSpecificOutput");
        Assert.Equal("PreToolUse", output.GetProperty("hookEventName").GetString());
        Assert.Equal(expected, output.GetProperty("permissionDecision").GetString());
        Assert.StartsWith("Autopilot: ", output.GetProperty("permissionDecisionReason").GetString());
        Assert.Equal(deny, result.StdErr.Contains("Autopilot: deny", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("missing-command.json")]
    [InlineData("truncated.json")]
    public void MalformedPayloadsAreDenied(string payload)
    {
        var result = Hook(payload);
        Assert.True(result.ExitCode == 2, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal("deny", json.RootElement.GetProperty("hookSpecificOutput").GetProperty("permissionDecision").GetString());
        Assert.NotEmpty(result.StdErr);
    }

    [Fact]
    public void ABrokenPolicyDeniesInsteadOfLettingTheCallThrough()
    {
        _repo.Write(".autopilot/policy.yaml", "phases: [a, b\n");
        var result = Hook("bash-benign.json");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("has errors", result.StdErr);
    }

    [Fact]
    public void AnExplicitLevelWinsOverThePermissionMode()
    {
        var result = Hook("bash-force-push.json", "--autonomy", "full_auto");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"permissionDecision\":\"allow\"", result.StdOut);
    }

    [Fact]
    public void APredicateJudgesEveryInvocationAndTheReasonNamesOnlyWhereItHeld()
    {
        _repo.Write(".autopilot/policy.yaml", PredicatePolicy);
        string Ask(string command)
        {
            var stdin = JsonSerializer.Serialize(new { hook_event_name = "PreToolUse", cwd = _repo.Path, permission_mode = "default", tool_name = "Bash", tool_input = new { command } });
            var result = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code"], _repo.Path, stdin: stdin);
            using var json = JsonDocument.Parse(result.StdOut);
            var output = json.RootElement.GetProperty("hookSpecificOutput");
            return output.GetProperty("permissionDecision").GetString() + " " + output.GetProperty("permissionDecisionReason").GetString();
        }

        var devOnly = Ask("pkill node; pkill vite");
        Assert.StartsWith("allow ", devOnly, StringComparison.Ordinal);
        Assert.DoesNotContain("R-KILL", devOnly, StringComparison.Ordinal);

        var mixed = Ask("pkill node; pkill bash");
        Assert.StartsWith("ask ", mixed, StringComparison.Ordinal);
        Assert.Contains("R-KILL", mixed, StringComparison.Ordinal);
        Assert.Contains("'pkill bash'", mixed, StringComparison.Ordinal);
        Assert.DoesNotContain("'pkill node'", mixed, StringComparison.Ordinal);

        // 'check command' shows the risk and findings after the predicates, in text and JSON.
        var check = CliProcess.Run(_repo.Path, null, "check", "command", "pkill node", "--format", "json");
        Assert.True(check.ExitCode == 0, check.ToString());
        using var decision = JsonDocument.Parse(check.StdOut);
        Assert.Equal("low", decision.RootElement.GetProperty("risk").GetString());
        Assert.DoesNotContain("R-KILL", check.StdOut, StringComparison.Ordinal);
        var text = CliProcess.Run(_repo.Path, null, "check", "command", "pkill node; pkill bash");
        Assert.True(text.ExitCode == 3, text.ToString());
        Assert.Contains("risk: high", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("pkill bash", text.StdOut, StringComparison.Ordinal);
    }

    private const string PredicatePolicy = """
        apiVersion: autopilot/v1
        riskLevels: [none, low, medium, high, critical]
        phases: [implement]
        autonomy:
          default: execute_safe
          levels:
            - { id: execute_safe, allowUpTo: low, escalateUpTo: high }
        actions: { defaultRisk: low, workspaceExtraPaths: ["/tmp/**"] }
        risks:
          - id: R-KILL
            risk: high
            message: Killing a process that is not a dev server
            command: { programs: [pkill] }
            when: "!facts.positionals.every(p => ['node', 'vite'].includes(p))"
        """;

    [Fact]
    public void RepeatedToolFailuresEscalateThroughPostToolUse()
    {
        Assert.Equal("", Hook("post-failure.json").StdOut);
        Assert.Equal("", Hook("post-failure.json").StdOut);
        var third = Hook("post-failure.json");
        Assert.Equal(0, third.ExitCode);
        using var json = JsonDocument.Parse(third.StdOut);
        Assert.Equal("block", json.RootElement.GetProperty("decision").GetString());
        Assert.Contains("AP-ESC-CONSECUTIVE-FAILURES", json.RootElement.GetProperty("reason").GetString());
    }
}
