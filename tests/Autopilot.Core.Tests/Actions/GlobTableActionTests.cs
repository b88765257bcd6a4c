using System.Collections.Concurrent;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Hooks;
using Autopilot.Core.Policies;
using Autopilot.Core.Tests.Engine;

namespace Autopilot.Core.Tests.Actions;

/// <summary>
/// The one glob table (<see cref="GlobTable"/>) through the action side: a policy whose protected-paths diff rule
/// lists the pattern, asked as <c>check path</c> asks (<c>engine.Actions.Path</c>) and as the Claude Code hook asks
/// (a Write tool call). Both must call the repository path protected exactly when the change gate would.
/// </summary>
public sealed class GlobTableActionTests
{
    private const string Root = "/work/repo";
    private static readonly ActionContext s_context = new(Root, "/home/agent") { ResolveSymlinks = false, Phase = "implement" };
    private static readonly ConcurrentDictionary<string, PolicyEngine> s_engines = new(StringComparer.Ordinal);

    /// <summary>A policy that escalates a high risk and rates protected paths high, with <paramref name="more"/> after its header.</summary>
    private static PolicyEngine Policy(string actions, string more = "") => EngineFixture.Compile($$"""
        riskLevels: [none, low, medium, high, critical]
        phases: [implement]
        autonomy:
          default: execute_safe
          levels:
            - { id: execute_safe, allowUpTo: low, escalateUpTo: high }
        actions: { defaultRisk: low, protectedPathRisk: high{{actions}} }
        {{more}}
        """);

    private static PolicyEngine Engine(string pattern) =>
        s_engines.GetOrAdd(pattern, p => Policy("", $"diff: [{{ id: P, kind: protected-paths, paths: [{JsonSerializer.Serialize(p)}] }}]"));

    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void Check_path_reads_the_gates_protected_paths_as_the_gate_does(string pattern, string path, bool expected)
    {
        var decision = Engine(pattern).Actions.Path(path, FileOp.Write, s_context, "execute_safe");
        Assert.Equal(expected, decision.Findings.Any(f => f.RuleId == ActionRuleIds.Protected));

        // The absolute form of the same file is the same file.
        var absolute = Engine(pattern).Actions.Path($"{Root}/{path}", FileOp.Write, s_context, "execute_safe");
        Assert.Equal(expected, absolute.Findings.Any(f => f.RuleId == ActionRuleIds.Protected));
    }

    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void The_hook_reads_them_the_same_way(string pattern, string path, bool expected)
    {
        var engine = Engine(pattern);
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => engine.Actions.Judge(c, "execute_safe", s_context), Root, "/home/agent");
        var stdin = JsonSerializer.Serialize(new { hook_event_name = "PreToolUse", cwd = Root, tool_name = "Write", tool_input = new { file_path = $"{Root}/{path}", content = "x" } });
        using var doc = JsonDocument.Parse(hook.Handle(stdin).Stdout);
        var output = doc.RootElement.GetProperty("hookSpecificOutput");
        var decision = output.GetProperty("permissionDecision").GetString();
        Assert.Equal(expected ? "ask" : "allow", decision);
        Assert.Equal(expected, output.GetProperty("permissionDecisionReason").GetString()!.Contains(ActionRuleIds.Protected, StringComparison.Ordinal));
    }

    [Fact]
    public void Action_lists_keep_absolute_patterns_for_absolute_paths()
    {
        // actions.* lists name places on the machine: '/etc/**' is the system folder, not a repository folder 'etc'.
        var engine = Policy(", protectedPaths: [\"/etc/**\", \"secrets/\"]");
        bool Protected(string path) => engine.Actions.Path(path, FileOp.Write, s_context, "execute_safe").Findings.Any(f => f.RuleId == ActionRuleIds.Protected);
        Assert.True(Protected("/etc/hosts"));
        Assert.False(Protected("etc/hosts"));
        Assert.True(Protected("secrets/a.env"));
        Assert.True(Protected("deploy/secrets/a.env"));
        Assert.False(Protected("secrets.txt"));
    }
}
