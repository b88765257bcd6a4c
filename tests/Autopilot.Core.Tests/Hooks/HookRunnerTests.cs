using System.Text.Json;
using Autopilot.Core.Hooks;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Hooks;

/// <summary>
/// <see cref="HookRunner"/> in process, for every adapter: the same canonical decision reaches each agent in its own
/// shape, and nothing we can cause (an unknown agent, our own deadline, a broken policy) escapes as an exception or an allow.
/// The agents' recorded payloads are tested through the real process in Autopilot.Cli.Tests.
/// </summary>
public sealed class HookRunnerTests : IDisposable
{
    private readonly TempDir _repo = new();

    public void Dispose() => _repo.Dispose();

    private HookSettings Settings => new() { RepositoryRoot = _repo.Path, StateDir = _repo.Sub("state") };

    public static TheoryData<string> Agents() => [.. HookAdapter.All.Select(a => a.Name)];

    [Theory]
    [MemberData(nameof(Agents))]
    public void EveryAdapterAllowsTheHarmlessAndBlocksTheKnownBad(string agent)
    {
        var adapter = HookAdapter.For(agent)!;
        var harmless = HookRunner.Run(agent, adapter.ShellEvent("git status", _repo.Path), Settings);
        Assert.Equal(Verdict.Allow, harmless.Verdict);
        Assert.Equal(0, harmless.ExitCode);

        foreach (var bad in HookSelfTest.KnownBad)
        {
            var reply = HookRunner.Run(agent, adapter.ShellEvent(bad, _repo.Path), Settings);
            Assert.Equal(Verdict.Deny, reply.Verdict);
            Assert.Contains("Instead: ", reply.Stdout + reply.Stderr);
        }

        Assert.Empty(HookSelfTest.Run(adapter, _repo.Path, null));
    }

    [Theory]
    [MemberData(nameof(Agents))]
    public void OurOwnDeadlineIsTheAgentsBlock(string agent)
    {
        var adapter = HookAdapter.For(agent)!;
        var reply = HookRunner.Run(agent, adapter.ShellEvent("git status", _repo.Path), Settings with { Deadline = TimeSpan.FromTicks(1) });
        Assert.Equal(Verdict.Deny, reply.Verdict);
        Assert.Contains("deadline", reply.Stderr);
    }

    [Theory]
    [MemberData(nameof(Agents))]
    public void ABrokenPolicyIsTheAgentsBlock(string agent)
    {
        var policy = _repo.Write("broken.policy.yaml", "phases: [a, b\n");
        var reply = HookRunner.Run(agent, HookAdapter.For(agent)!.ShellEvent("git status", _repo.Path), Settings with { PolicyPath = policy });
        Assert.Equal(Verdict.Deny, reply.Verdict);
        Assert.Contains("has errors", reply.Stderr);
    }

    [Fact]
    public void AnUnknownAgentIsABlockNamingTheKnownOnes()
    {
        var reply = HookRunner.Run("windsurf", "{}", Settings);
        Assert.Equal(2, reply.ExitCode);
        Assert.Contains("claude-code, codex, gemini, cursor, copilot", reply.Stderr);
    }

    [Fact]
    public void TheApprovalCodeIsTheExactActions()
    {
        Assert.Equal(HookApprovals.Code("Bash git push --force"), HookApprovals.Code("Bash git push --force"));
        Assert.NotEqual(HookApprovals.Code("Bash git push --force"), HookApprovals.Code("Bash git push --force "));
        Assert.Matches("^apv-[0-9a-f]{12}$", HookApprovals.Code("x"));
    }

    [Fact]
    public void InstallMergesIntoTheAgentsShapeAndCheckFindsWhatIsMissing()
    {
        var wiring = AgentWiring.For("gemini")!;
        var file = _repo.Write(".gemini/settings.json", """{ "theme": "dark", "hooks": { "BeforeTool": [] } }""");
        var installed = HookWiringFile.Install(wiring, file, "autopilot");
        Assert.Equal(["BeforeTool", "AfterTool", "AfterAgent"], installed.Added);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.Equal("dark", doc.RootElement.GetProperty("theme").GetString());
        var handler = doc.RootElement.GetProperty("hooks").GetProperty("BeforeTool")[0].GetProperty("hooks")[0];
        Assert.Equal(30000, handler.GetProperty("timeout").GetInt32());
        Assert.Empty(HookWiringFile.Check(wiring, file));
        Assert.False(HookWiringFile.Install(wiring, file, "autopilot").Changed);

        var missing = HookWiringFile.Check(AgentWiring.For("codex")!, _repo.Sub(".codex/hooks.json"));
        Assert.True(Assert.Single(missing).Missing);
    }
}
