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
