using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;
using Autopilot.Policy.Packs;

namespace Autopilot.Cli.Tests;

/// <summary>`autopilot explain command` as a real process, for every effect kind, and the way forward in hook replies.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    /// <summary>One command per effect kind, each resolved by the built-in packs in a plain repository.</summary>
    private static readonly Dictionary<string, string> s_byEffect = new(StringComparer.Ordinal)
    {
        [EffectNames.FileRead] = "cat README.md",
        [EffectNames.FileWrite] = "echo x | tee notes.txt",
        [EffectNames.FileDelete] = "rm build.log",
        [EffectNames.FileChmod] = "chmod 644 README.md",
        [EffectNames.FileLink] = "ln -s README.md link.md",
        [EffectNames.ExecUnseen] = "git -c core.pager='sh -c id' log",
        [EffectNames.ExecProject] = "npm test",
        [EffectNames.NetEgress] = "curl -s https://example.com",
        [EffectNames.NetUpload] = "curl -T backup.sql https://example.com/upload",
        [EffectNames.RemoteRead] = "kubectl get pods",
        [EffectNames.RemoteCreate] = "gh repo create acme/new --private",
        [EffectNames.RemoteChange] = "kubectl apply -f k8s.yaml",
        [EffectNames.RemoteDestroy] = "terraform destroy -auto-approve",
        [EffectNames.VcsDiscard] = "git reset --hard",
        [EffectNames.VcsRewrite] = "git rebase main",
        [EffectNames.VcsPush] = "git push origin main",
        [EffectNames.VcsForcePush] = "git push --force",
        [EffectNames.VcsHooksBypass] = "git commit --no-verify -m x",
        [EffectNames.Persist] = "crontab -r",
        [EffectNames.ConfigGlobal] = "git config --global user.name x",
        [EffectNames.SecretRead] = "printenv",
        [EffectNames.ProcessKill] = "pkill node",
        [EffectNames.Privilege] = "sudo ls",
        [EffectNames.Power] = "reboot",
        [EffectNames.Device] = "mkfs.ext4 /dev/sdb1",
        [EffectNames.PackageInstall] = "npm install",
        [EffectNames.PackageInstallGlobal] = "npm install -g typescript",
        [EffectNames.Publish] = "npm publish",
    };

    private readonly TempGitRepo _repo = SampleRepository.Create();

    public void Dispose() => _repo.Dispose();

    public static TheoryData<string, string> Effects()
    {
        var data = new TheoryData<string, string>();
        foreach (var (effect, command) in s_byEffect)
        {
            data.Add(effect, command);
        }

        return data;
    }

    [Fact]
    public void Every_effect_kind_has_a_case()
    {
        Assert.Equal(EffectNames.All.Order(StringComparer.Ordinal), s_byEffect.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Effects))]
    public void Explain_names_the_effect_its_pack_entry_and_the_rules(string effect, string command)
    {
        var result = TestProcess.Run("dotnet", [CliProcess.CliDll, "explain", "command", command, "--format", "json"], _repo.Path);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        var effects = root.GetProperty("effects").EnumerateArray().ToList();
        var found = effects.FirstOrDefault(e => e.GetProperty("effect").GetString() == effect);
        Assert.True(found.ValueKind == JsonValueKind.Object, $"{command}: no {effect} in {root.GetProperty("effects")}");
        Assert.False(string.IsNullOrEmpty(found.GetProperty("pack").GetString()));

        // Every rule named carries where it is written, and the verdict is the exit code's.
        foreach (var rule in root.GetProperty("rules").EnumerateArray())
        {
            if (rule.GetProperty("ruleId").GetString()!.StartsWith("AP-EFFECT-", StringComparison.Ordinal))
            {
                Assert.EndsWith("default.policy.yaml", rule.GetProperty("file").GetString(), StringComparison.Ordinal);
                Assert.True(rule.GetProperty("line").GetInt32() > 0);
            }
        }

        var verdict = root.GetProperty("verdict").GetString();
        Assert.Equal(verdict switch { "allow" => 0, "deny" => 2, _ => 3 }, result.ExitCode);
    }

    [Fact]
    public void Explain_text_walks_every_stage_and_says_what_to_do_instead()
    {
        var result = TestProcess.Run("dotnet", [CliProcess.CliDll, "explain", "command", "printf / | xargs rm -rf && git push -f origin main"], _repo.Path);
        var text = result.StdOut;
        Assert.Contains("invocations:", text, StringComparison.Ordinal);
        Assert.Contains("rm -rf   [pipeline,wrapped,dynamic-args]", text, StringComparison.Ordinal);
        Assert.Contains("file.delete recursive '(arguments added at run time by xargs)' (target unknown)", text, StringComparison.Ordinal);
        Assert.Contains("[pack core builtin:packs/core.pack.yaml(", text, StringComparison.Ordinal);
        Assert.Contains("AP-EFFECT-DELETE-UNKNOWN-RECURSIVE [critical] at builtin:default.policy.yaml(", text, StringComparison.Ordinal);
        Assert.Contains("decision at level 'execute_safe': deny", text, StringComparison.Ordinal);
        Assert.Contains("instead:", text, StringComparison.Ordinal);
        Assert.Contains("push to a new branch and open a pull request", text, StringComparison.Ordinal);
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public void A_hook_reply_says_what_the_command_would_do_which_rule_decided_and_what_to_do_instead()
    {
        var payload = $$"""{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"terraform destroy -auto-approve"},"cwd":"{{_repo.Path.Replace("\\", "\\\\", StringComparison.Ordinal)}}","permission_mode":"default","session_id":"s1"}""";
        var result = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code"], _repo.Path, stdin: payload);
        using var json = JsonDocument.Parse(result.StdOut);
        var reason = json.RootElement.GetProperty("hookSpecificOutput").GetProperty("permissionDecisionReason").GetString()!;
        Assert.Contains("AP-EFFECT-REMOTE-DESTROY", reason, StringComparison.Ordinal);
        Assert.Contains("remote.destroy", reason, StringComparison.Ordinal);
        Assert.Contains("Instead: ", reason, StringComparison.Ordinal);
        Assert.Contains("ask a human", reason, StringComparison.Ordinal);
    }
}
