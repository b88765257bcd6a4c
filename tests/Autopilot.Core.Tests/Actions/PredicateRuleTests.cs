using System.Diagnostics;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Hooks;
using Autopilot.Core.Policies;
using Autopilot.Core.Tests.Engine;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

/// <summary>Risk rules with <c>when:</c> predicates: judged for every invocation, explained only where they held, failing closed.</summary>
public sealed class PredicateRuleTests
{
    private static readonly ActionContext s_context = new("/work/repo", "/home/agent") { ResolveSymlinks = false, Phase = "implement" };

    /// <summary>A policy whose only rule escalates killing anything but a dev server (the shape of the quickstarts pkill validator).</summary>
    private static PolicyEngine Policy(string when, string program = "pkill") => EngineFixture.Compile($$"""
        riskLevels: [none, low, medium, high, critical]
        phases: [implement]
        autonomy:
          default: execute_safe
          levels:
            - { id: execute_safe, allowUpTo: low, escalateUpTo: high }
        actions: { defaultRisk: low }
        risks:
          - id: R-KILL
            risk: high
            message: Killing a process that is not a dev server
            command: { programs: [{{program}}] }
            when: {{JsonSerializer.Serialize(when)}}
        """);

    private static readonly Lazy<PolicyEngine> s_devOnly = new(() => Policy("!facts.positionals.every(p => ['node', 'vite'].includes(p))"));

    [Theory]
    [InlineData("pkill node", Verdict.Allow)]
    [InlineData("pkill bash", Verdict.Escalate)]
    [InlineData("pkill node; pkill bash", Verdict.Escalate)]
    [InlineData("pkill bash; pkill node", Verdict.Escalate)]
    [InlineData("pkill node && pkill vite", Verdict.Allow)]
    [InlineData("pkill node | pkill bash", Verdict.Escalate)]
    [InlineData("echo $(pkill bash); pkill node", Verdict.Escalate)]
    public void EveryInvocationIsJudged(string command, Verdict expected)
    {
        var decision = s_devOnly.Value.Actions.Command(command, s_context, "execute_safe");
        Assert.Equal(expected, decision.Verdict);
        var named = decision.Findings.Where(f => f.RuleId == "R-KILL").ToArray();
        if (expected == Verdict.Allow)
        {
            // A rule whose predicate was false is never named.
            Assert.Empty(named);
        }
        else
        {
            var finding = Assert.Single(named);
            Assert.Contains("'pkill bash'", finding.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("pkill node", finding.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExplanationsNameOnlyRulesWhosePredicateHeld()
    {
        var engine = s_devOnly.Value;
        var classification = engine.Actions.ApplyPredicates(engine.Actions.Classifier.ClassifyCommand("pkill node; pkill vite", s_context), "execute_safe", s_context);
        Assert.Empty(classification.Matches);
        Assert.Equal("low", classification.Risk);
        Assert.True(classification.PredicatesApplied);

        // The hook's reason comes from the same judged matches.
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => engine.Actions.Judge(c, "execute_safe", s_context), "/work/repo", "/home/agent");
        var (decision, reason) = HookOutput(hook, "pkill node; pkill vite");
        Assert.Equal("allow", decision);
        Assert.DoesNotContain("R-KILL", reason, StringComparison.Ordinal);
        Assert.Contains("risk low", reason, StringComparison.Ordinal);

        (decision, reason) = HookOutput(hook, "pkill node; pkill bash");
        Assert.Equal("ask", decision);
        Assert.Contains("R-KILL", reason, StringComparison.Ordinal);
        Assert.Contains("'pkill bash'", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("'pkill node'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExplainShowsEachInvocationsPredicateResult()
    {
        var explanation = CommandExplanation.Explain(s_devOnly.Value, "pkill node; pkill bash", s_context, "execute_safe");
        var results = explanation.Matches.Where(m => m.Match.RuleId == "R-KILL").Select(m => $"{m.Match.Invocation!.Text}={m.PredicateHeld}").ToArray();
        Assert.Equal(["pkill node=False", "pkill bash=True"], results);
        Assert.Equal("high", explanation.Risk);
    }

    [Fact]
    public void PredicatesSeeTheDocumentedFacts()
    {
        var engine = Policy("""
            facts.program === 'pkill' && facts.rawProgram === '/usr/bin/pkill'
              && facts.args.join('|') === '-f|node server.js' && facts.flags.join('|') === '-f'
              && facts.positionals.join('|') === 'node server.js'
              && facts.command === "/usr/bin/pkill -f 'node server.js'" && facts.quote?.length > 0
              && facts.phase === 'implement' && facts.level === 'execute_safe'
            """);
        var decision = engine.Actions.Command("/usr/bin/pkill -f 'node server.js'", s_context, "execute_safe");
        Assert.Equal(Verdict.Escalate, decision.Verdict);
        Assert.DoesNotContain(decision.Findings, f => f.Severity == Severity.Warning);
    }

    [Theory]
    [InlineData("facts.positionals[5].length > 100", "threw Cannot read properties of undefined")]
    [InlineData("while (true) {}", "statements|ran longer than")]
    [InlineData("const f = n => f(n + 1); return f(0);", "nested calls")]
    [InlineData("let s = 'x'; for (;;) { s += s; }", "allocated more than")]
    [InlineData("facts.args.length", "not true or false")]
    public void APredicateThatCannotAnswerFailsClosedAndSaysWhy(string when, string why)
    {
        var engine = Policy(when);
        var watch = Stopwatch.StartNew();
        // Ten invocations: a predicate that hits a limit runs once for the action, not once per invocation.
        var command = string.Join("; ", Enumerable.Range(0, 10).Select(i => $"pkill -f p{i}"));
        var decision = engine.Actions.Command(command, s_context, "execute_safe");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");

        // The rule keeps applying to every invocation.
        Assert.Equal(Verdict.Escalate, decision.Verdict);
        Assert.Equal(10, decision.Findings.Count(f => f.RuleId == "R-KILL" && f.Severity == Severity.Escalate));
        var warnings = decision.Findings.Where(f => f.RuleId == "R-KILL" && f.Severity == Severity.Warning).ToArray();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Contains("its 'when' predicate failed for 'pkill -f p", w.Message, StringComparison.Ordinal));
        Assert.Contains(warnings, w => System.Text.RegularExpressions.Regex.IsMatch(w.Message, why));
        Assert.NotNull(warnings[0].Location);

        // The hook still answers, with the reason.
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => engine.Actions.Judge(c, "execute_safe", s_context), "/work/repo", "/home/agent");
        var (answer, reason) = HookOutput(hook, "pkill -f x");
        Assert.Equal("ask", answer);
        Assert.Contains("its 'when' predicate failed, so the rule applies", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FindingsCollapseOnlyForTheSameInvocation()
    {
        var engine = EngineFixture.Default;
        var same = engine.Actions.Command("rm -rf /; rm -rf /", s_context, "execute_safe");
        Assert.Single(same.Findings, f => f.RuleId == "AP-RISK-RM-ROOT");
        var two = engine.Actions.Command("rm -rf /; rm -rf ~", s_context, "execute_safe");
        Assert.Equal(2, two.Findings.Count(f => f.RuleId == "AP-RISK-RM-ROOT"));
    }

    private static (string Decision, string Reason) HookOutput(ClaudeCodeHook hook, string command)
    {
        var stdin = JsonSerializer.Serialize(new { hook_event_name = "PreToolUse", cwd = "/work/repo", tool_name = "Bash", tool_input = new { command } });
        using var doc = JsonDocument.Parse(hook.Handle(stdin).Stdout);
        var output = doc.RootElement.GetProperty("hookSpecificOutput");
        return (output.GetProperty("permissionDecision").GetString()!, output.GetProperty("permissionDecisionReason").GetString()!);
    }
}
