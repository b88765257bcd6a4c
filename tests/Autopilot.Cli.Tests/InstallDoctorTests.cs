using System.Text.Json;
using System.Text.Json.Nodes;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>`autopilot install` and `autopilot doctor` as processes, on real settings files in a temporary repository and home.</summary>
public sealed class InstallDoctorTests : IDisposable
{
    private readonly TempGitRepo _repo = SampleRepository.Create();
    private readonly TempDir _home = new();

    public void Dispose()
    {
        _repo.Dispose();
        _home.Dispose();
    }

    /// <summary>The hook command the agents would run: this build of autopilot, started by dotnet.</summary>
    private static string HookCommand => $"dotnet {CliProcess.CliDll}";

    private ProcessResult Cli(params string[] args) => CliProcess.Run(_repo.Path, null, [.. args, "--home", _home.Path]);

    [Fact]
    public void InstallMergesKeepsABackupAndIsIdempotent()
    {
        var settings = _repo.Write(".claude/settings.json", """
            {
              "model": "opus",
              "hooks": {
                "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "./my-lint.sh" } ] } ]
              }
            }
            """);
        var before = File.ReadAllText(settings);

        var first = Cli("install", "claude-code", "--project", "--command", HookCommand);
        Assert.True(first.ExitCode == 0, first.ToString());
        var root = JsonNode.Parse(File.ReadAllText(settings))!;
        Assert.Equal("opus", root["model"]!.GetValue<string>());
        var pre = root["hooks"]!["PreToolUse"]!.AsArray();
        Assert.Equal(2, pre.Count);
        Assert.Equal("./my-lint.sh", pre[0]!["hooks"]![0]!["command"]!.GetValue<string>());
        Assert.EndsWith("hook claude-code", pre[1]!["hooks"]![0]!["command"]!.GetValue<string>());
        foreach (var ev in new[] { "PermissionRequest", "PostToolUse", "Stop", "SubagentStop" })
        {
            Assert.Single(root["hooks"]![ev]!.AsArray());
        }

        var backup = Directory.GetFiles(Path.GetDirectoryName(settings)!, "settings.json.autopilot-backup-*");
        Assert.Single(backup);
        Assert.Equal(before, File.ReadAllText(backup[0]));

        var after = File.ReadAllText(settings);
        var second = Cli("install", "claude-code", "--command", HookCommand);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("nothing changed", second.StdOut);
        Assert.Equal(after, File.ReadAllText(settings));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(settings)!, "settings.json.autopilot-backup-*"));
    }

    [Theory]
    [InlineData("codex", ".codex/hooks.json", "PreToolUse")]
    [InlineData("gemini", ".gemini/settings.json", "BeforeTool")]
    [InlineData("cursor", ".cursor/hooks.json", "beforeShellExecution")]
    public void InstallForTheUserWritesTheAgentsOwnShape(string agent, string file, string ev)
    {
        var result = Cli("install", agent, "--user", "--command", HookCommand);
        Assert.True(result.ExitCode == 0, result.ToString());
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(_home.Path, file)))!;
        Assert.Contains($"hook {agent}", root["hooks"]![ev]!.ToJsonString());
        Assert.False(File.Exists(Path.Combine(_repo.Path, file)));
    }

    [Fact]
    public void CopilotHasNoUserLevelFileAndItsProjectFileIsVersioned()
    {
        Assert.Equal(1, Cli("install", "copilot", "--user").ExitCode);
        Assert.Equal(0, Cli("install", "copilot", "--command", HookCommand).ExitCode);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(_repo.Path, ".github/hooks/autopilot.json")))!;
        Assert.Equal(1, root["version"]!.GetValue<int>());
        Assert.Equal(30, root["hooks"]!["preToolUse"]![0]!["timeoutSec"]!.GetValue<int>());
    }

    [Fact]
    public void InstallRefusesToTouchAFileItCannotRead()
    {
        var settings = _repo.Write(".claude/settings.json", "{\n  \"hooks\": {\n    \"PreToolUse\": [,]\n}\n");
        var result = Cli("install", "claude-code", "--command", HookCommand);
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("settings.json:3:", result.StdErr);
        Assert.Equal("{\n  \"hooks\": {\n    \"PreToolUse\": [,]\n}\n", File.ReadAllText(settings));
    }

    [Fact]
    public void DoctorFindsAMissingHookAndATooShortTimeout()
    {
        Assert.Equal(0, Cli("install", "codex", "--command", HookCommand).ExitCode);
        var ok = Cli("doctor");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("ok    codex", ok.StdOut);

        // A hook removed by hand, and another one's timeout cut to 2 s.
        var file = Path.Combine(_repo.Path, ".codex/hooks.json");
        var root = JsonNode.Parse(File.ReadAllText(file))!;
        root["hooks"]!.AsObject().Remove("Stop");
        root["hooks"]!["PreToolUse"]![0]!["hooks"]![0]!["timeout"] = 2;
        File.WriteAllText(file, root.ToJsonString());

        var bad = Cli("doctor");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("no Autopilot hook for Stop", bad.StdOut);
        Assert.Contains("PreToolUse hook's timeout is 2", bad.StdOut);
        Assert.Contains("too short", bad.StdOut);
        Assert.DoesNotContain("ok    codex", bad.StdOut);
    }

    [Fact]
    public void DoctorFindsAnAgentWithNoHookAndAGeminiTimeoutInMilliseconds()
    {
        _repo.Write(".claude/settings.json", "{ \"model\": \"opus\" }");
        _repo.Write(".gemini/settings.json", $$"""
            { "hooks": {
                "BeforeTool": [ { "matcher": ".*", "hooks": [ { "type": "command", "command": "{{HookCommand}} hook gemini", "timeout": 5000 } ] } ],
                "AfterTool": [ { "matcher": ".*", "hooks": [ { "type": "command", "command": "{{HookCommand}} hook gemini" } ] } ],
                "AfterAgent": [ { "hooks": [ { "type": "command", "command": "{{HookCommand}} hook gemini", "timeout": 30000 } ] } ]
            } }
            """);
        var result = Cli("doctor");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("claude-code: ", result.StdOut);
        Assert.Contains("no Autopilot hook for PreToolUse", result.StdOut);
        Assert.Contains("BeforeTool hook's timeout is 5000 (5 s)", result.StdOut);
        Assert.DoesNotContain("AfterTool hook's timeout", result.StdOut); // unset: Gemini's 60 s default
    }

    [Fact]
    public void DoctorFindsAHookWhoseProgramIsNotOnPath()
    {
        Assert.Equal(0, Cli("install", "cursor", "--command", "autopilot-not-installed-here").ExitCode);
        var result = Cli("doctor", "--agent", "cursor");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("`autopilot-not-installed-here` is not found on PATH", result.StdOut);
    }

    [Fact]
    public void DoctorWithNothingSetUpSaysSo()
    {
        var result = Cli("doctor");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No agent settings found", result.StdOut);
    }
}
