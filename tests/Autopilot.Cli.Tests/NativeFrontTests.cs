using System.Security.Cryptography;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// The native front (src/Autopilot.Native, docs/native.md) as a real process, built for the JIT beside autopilot.dll:
/// the same code, feature switches and hand-off as the NativeAOT build (which runs in <see cref="InstalledToolNativeTests"/>
/// with AUTOPILOT_LONG_TESTS=1). AUTOPILOT_NATIVE_ONLY=1 makes the front fail instead of handing a call over, so
/// a test can tell that the front answered by itself.
/// </summary>
public sealed class NativeFrontTests : IDisposable
{
    private static readonly string s_front = Path.Combine(AppContext.BaseDirectory, "autopilot-native.dll");
    private readonly TempGitRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static readonly Dictionary<string, string> s_nativeOnly = new() { ["AUTOPILOT_NATIVE_ONLY"] = "1" };

    private ProcessResult Front(string? stdin, bool nativeOnly, params string[] args) =>
        TestProcess.Run("dotnet", [s_front, .. args], _repo.Path, nativeOnly ? s_nativeOnly : null, timeoutMs: 120_000, stdin: stdin);

    private string Event(string command) =>
        "{\"session_id\":\"s1\",\"cwd\":\"" + _repo.Path + "\",\"permission_mode\":\"default\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"" + command + "\"}}";

    private string CacheFile(string text) =>
        Path.Combine(_repo.Path, ".autopilot", "cache", $"yaml-{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))}.bin");

    /// <summary>A team's own policy: the default renamed (it has JSON Schemas, which this front leaves to the managed CLI).</summary>
    private string WriteOwnPolicy(string name)
    {
        var text = File.ReadAllText(Path.Combine(TestProcess.RepoRoot, "policies", "default.policy.yaml"));
        var own = System.Text.RegularExpressions.Regex.Replace(text, @"(?m)^  name: .*$", $"  name: {name}");
        Assert.NotEqual(text, own);
        _repo.Write(".autopilot/policy.yaml", own);
        return own;
    }

    [Fact]
    public void TheHookDeniesAndAllowsWithTheDefaultPolicyWithoutHandingOver()
    {
        var deny = Front(Event("rm -rf /"), nativeOnly: true, "hook", "claude-code");
        Assert.True(deny.ExitCode == 2, deny.ToString());
        Assert.Contains("\"permissionDecision\":\"deny\"", deny.StdOut);
        Assert.Contains("AP-RISK-RM-ROOT", deny.StdErr);

        var allow = Front(Event("git status && npm test"), nativeOnly: true, "hook", "claude-code");
        Assert.True(allow.ExitCode == 0, allow.ToString());
        Assert.Contains("\"permissionDecision\":\"allow\"", allow.StdOut);
    }

    [Fact]
    public void ChecksAndAStatelessTransitionRunInTheFront()
    {
        var command = Front(null, nativeOnly: true, "check", "command", "git push --force origin main", "--format", "json");
        Assert.NotEqual(0, command.ExitCode);
        Assert.Contains("\"verdict\":", command.StdOut);

        var path = Front(null, nativeOnly: true, "check", "path", "/etc/passwd", "--op", "write");
        Assert.True(path.ExitCode is 2 or 3, path.ToString());

        _repo.Write("state/evidence/T-1/plan/plan.md", "1. do it");
        var transition = Front(null, nativeOnly: true, "transition", "--task", "T-1", "--from", "plan", "--to", "think");
        Assert.True(transition.ExitCode == 0, transition.ToString());
        Assert.StartsWith("ALLOW", transition.StdOut.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void TheHooksOwnDeadlineOptionIsTheDeadlineOfTheWholeFront()
    {
        // A 1 ms deadline from the environment, overridden by the hook's option: the front's own deadline thread must keep
        // the option's minute, as the hook runner does, or it would deny a command it was given the time to judge.
        var env = new Dictionary<string, string> { ["AUTOPILOT_NATIVE_ONLY"] = "1", [Autopilot.Core.Hooks.HookSettings.DeadlineVariable] = "1" };
        var allow = TestProcess.Run("dotnet", [s_front, "hook", "claude-code", "--deadline-ms", "60000"], _repo.Path, env, timeoutMs: 120_000, stdin: Event("git status"));
        Assert.True(allow.ExitCode == 0, allow.ToString());
        Assert.Contains("\"permissionDecision\":\"allow\"", allow.StdOut);

        // Without the option the environment's 1 ms holds: a deny, with the blocking exit code, that names the deadline.
        var late = TestProcess.Run("dotnet", [s_front, "hook", "claude-code"], _repo.Path, env, timeoutMs: 120_000, stdin: Event("git status"));
        Assert.True(late.ExitCode == 2, late.ToString());
        Assert.Contains("deadline", late.StdOut + late.StdErr);
    }

    [Fact]
    public void AMalformedEventIsADenyWithTheBlockingExitCode()
    {
        var result = Front("{not json", nativeOnly: true, "hook", "claude-code");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("is not valid Claude Code JSON", result.StdErr);
    }

    [Fact]
    public void ABrokenPolicyIsADenyThatNamesIt()
    {
        _repo.Write(".autopilot/policy.yaml", "phases: [\n");
        var result = Front(Event("ls"), nativeOnly: true, "hook", "claude-code");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("policy.yaml", result.StdErr);
    }

    [Fact]
    public void ColdCommandsAndHelpAreHandedToTheManagedCli()
    {
        var lint = Front(null, nativeOnly: false, "policy", "lint");
        Assert.True(lint.ExitCode == 0, lint.ToString());

        var nativeOnly = Front(null, nativeOnly: true, "policy", "lint");
        Assert.Equal(0, nativeOnly.ExitCode); // cold commands are never the front's: AUTOPILOT_NATIVE_ONLY only guards hot ones

        // Help of a hot command is the managed CLI's (the front's root has no help of its own).
        var help = Front(null, nativeOnly: true, "hook", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:", help.StdOut);
        Assert.Contains("hook", help.StdOut);
    }

    [Fact]
    public void OwnPolicyFirstCallIsHandedOverAndCachedThenTheFrontAnswersFromTheCache()
    {
        var own = WriteOwnPolicy("team-policy");

        // The policy has JSON Schemas: checking them needs NJsonSchema, which the front leaves out; so the first call
        // goes to the managed CLI, which stores the parsed policy once it compiled cleanly.
        var first = Front(null, nativeOnly: true, "check", "command", "git status");
        Assert.True(first.ExitCode == 5, first.ToString());
        Assert.Contains("handed", first.StdErr);
        var handed = Front(null, nativeOnly: false, "check", "command", "git status");
        Assert.True(handed.ExitCode == 0, handed.ToString());
        Assert.True(File.Exists(CacheFile(own)));

        var second = Front(null, nativeOnly: true, "check", "command", "git status");
        Assert.True(second.ExitCode == 0, second.ToString());
        var hook = Front(Event("rm -rf /"), nativeOnly: true, "hook", "claude-code");
        Assert.True(hook.ExitCode == 2, hook.ToString());
    }

    [Fact]
    public void ACorruptCacheFileIsNotTrustedAndIsRebuilt()
    {
        var own = WriteOwnPolicy("team-policy-corrupt");
        Assert.Equal(0, Front(null, nativeOnly: false, "check", "command", "git status").ExitCode);
        var file = CacheFile(own);
        var good = File.ReadAllBytes(file);
        var bad = (byte[])good.Clone();
        bad[^10] ^= 0x55; // one byte of the payload: the checksum no longer matches
        File.WriteAllBytes(file, bad);

        // Not trusted: the front would need the schema checks again, so it hands over (refused here) ...
        var refused = Front(null, nativeOnly: true, "check", "command", "git status");
        Assert.True(refused.ExitCode == 5, refused.ToString());
        // ... and the call that does run rebuilds the entry.
        Assert.Equal(0, Front(null, nativeOnly: false, "check", "command", "git status").ExitCode);
        Assert.Equal(good, File.ReadAllBytes(file));
        Assert.Equal(0, Front(null, nativeOnly: true, "check", "command", "git status").ExitCode);
    }

    [Fact]
    public void AnEditedPolicyIsParsedAgainUnderItsNewHash()
    {
        var before = WriteOwnPolicy("team-policy-v1");
        Assert.Equal(0, Front(null, nativeOnly: false, "check", "command", "git status").ExitCode);
        var after = WriteOwnPolicy("team-policy-v2");
        Assert.False(File.Exists(CacheFile(after)));

        var refused = Front(null, nativeOnly: true, "check", "command", "git status");
        Assert.True(refused.ExitCode == 5, refused.ToString()); // the stored v1 is not used for v2
        Assert.Equal(0, Front(null, nativeOnly: false, "check", "command", "git status").ExitCode);
        Assert.True(File.Exists(CacheFile(before)));
        Assert.True(File.Exists(CacheFile(after)));
    }

    [Fact]
    public void AHookCallHandedOverPassesTheEventOn()
    {
        WriteOwnPolicy("team-policy-hook");
        var result = Front(Event("rm -rf /"), nativeOnly: false, "hook", "claude-code");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("AP-RISK-RM-ROOT", result.StdOut);
    }
}
