using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Tests.Schema;
using Autopilot.Policy.Validation;

namespace Autopilot.Policy.Tests.Lowering;

/// <summary>
/// The plan is immutable (issue 10): every list, table and dictionary reachable from it, however deep (risk rules'
/// matchers, diff rules, packs, escalation conditions, exceptions), is read-only: no array with elements, no
/// <see cref="List{T}"/> or <see cref="Dictionary{TKey, TValue}"/> a caller could cast back to and write. The only
/// exception is <see cref="PolicyPlan.Source"/>, the document kept for the authoring kit.
/// </summary>
public sealed class PlanImmutabilityTests
{
    /// <summary>A policy with one of each part that holds lists: exceptions, an allowlist, flag groups, nested conditions, failures.</summary>
    private const string Everything = """
        apiVersion: autopilot/v1
        phases:
          - id: a
            evidence: [e]
            tools: [Read]
          - id: b
        evidence:
          items:
            - { id: e, path: e.md }
        autonomy:
          levels:
            - { id: l, allowUpTo: low, escalateUpTo: high }
        tools:
          always: [Grep]
        actions:
          mode: allowlist
          allowlist:
            - { program: git, subcommands: [status, log], deniedFlags: [--force] }
          programVariables: { BIN: ./bin/tool }
          workspaceExtraPaths: ["/tmp/**"]
          protectedPaths: [".git/**"]
          secretPaths: ["**/.env"]
          tempPaths: ["/tmp/**"]
        risks:
          - id: R-RM
            risk: high
            message: rm
            command:
              programs: [rm]
              allFlagGroups: [[-r, -R], [-f]]
              argAt: [{ index: 0, globs: ["/*"] }]
              not: [{ programs: [rm], args: ["build/**"] }]
          - { id: R-WRITE, risk: high, message: write, path: { globs: ["gen/**"], ops: [write] } }
          - { id: R-TOOL, risk: medium, message: tool, tool: { names: ["mcp__*"] } }
          - { id: R-EFFECT, risk: high, message: effect, effect: { kinds: ["remote.*"], hosts: [remote] } }
        escalation:
          - id: ESC
            message: stuck
            condition:
              any:
                - { signal: retries, op: ">", value: 2 }
                - all: [{ signal: consecutiveFailures, op: ">=", value: 3 }]
        failures:
          classes:
            - { id: F-DISK, retry: false, message: disk, kinds: [disk], patterns: ["No space left"] }
        diff:
          - { id: D-PROT, kind: protected-paths, message: protected, paths: [".github/**"] }
          - { id: D-SCOPE, kind: scope, message: scope, paths: ["src/**"], excludePaths: ["src/gen/**"] }
        exceptions:
          - { id: EX-RM, rule: R-RM, paths: ["build/**"], owner: alice, reason: r, expires: 2030-01-10 }
        """;

    public static TheoryData<string> Policies => ["everything", "default"];

    private static PolicyPlan Compile(string name)
    {
        var (yaml, path) = name == "default"
            ? (File.ReadAllText(RepositoryFiles.Path("policies", "default.policy.yaml")), RepositoryFiles.Path("policies", "default.policy.yaml"))
            : (Everything, "/t/everything.policy.yaml");

        // No compiled packs hash: the packs' YAML is read, so the plan holds them and they are walked too.
        var compiled = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, path), PolicyChecks.None);
        Assert.True(compiled.Succeeded, string.Join(Environment.NewLine, compiled.Diagnostics));
        return compiled.Plan!;
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Nothing_reachable_from_the_plan_can_be_written(string name)
    {
        var plan = Compile(name);
        var problems = new List<string>();
        var visited = 0;

        Walk(plan, "plan", new HashSet<object>(ReferenceEqualityComparer.Instance), problems, ref visited);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Take(30)));
        // The walk did reach deep: rules, matchers, packs.
        Assert.True(visited > (name == "default" ? 2000 : 100), $"only {visited} objects walked");
        Assert.NotEmpty(plan.Risks);
        Assert.NotEmpty(plan.Diff);
    }

    [Fact]
    public void Writing_through_a_cast_throws()
    {
        var plan = Compile("everything");

        Assert.Throws<NotSupportedException>(() => ((IList<TransitionKind>)plan.TransitionTable)[1] = TransitionKind.Forward);
        Assert.Throws<NotSupportedException>(() => ((IList<Verdict>)plan.AutonomyTable)[0] = Verdict.Allow);
        Assert.Throws<NotSupportedException>(() => ((IList<ulong>)plan.RequiredEvidence)[0] = 0);
        Assert.Throws<NotSupportedException>(() => ((IList<string>)plan.Risks[0].Command!.Programs).Add("ls"));
        Assert.Throws<NotSupportedException>(() => ((IList<string>)plan.ProtectedPaths).Clear());
        Assert.Throws<NotSupportedException>(() => ((IDictionary<string, PlanRule>)plan.Rules).Remove("R-RM"));
        Assert.Throws<NotSupportedException>(() => ((IList<ConditionPlan>)plan.Escalation[0].Condition!.Children).Clear());
        Assert.False(plan.TransitionTable is TransitionKind[]);
        Assert.False(plan.Risks is List<RiskRuleDef>);
    }

    [Fact]
    public void The_plan_does_not_share_lists_with_the_document()
    {
        var plan = Compile("everything");
        var doc = plan.Source;

        Assert.NotSame(doc.Risks, plan.Risks);
        Assert.NotSame(doc.Risks[0].Command!.Programs, plan.Risks[0].Command!.Programs);
        Assert.NotSame(doc.Diff[0].Paths, plan.Diff[0].Paths);
        Assert.NotSame(doc.Actions.Allowlist, plan.Actions.Allowlist);
        // Changing the document (the authoring kit's, mutable underneath) leaves the plan as it was.
        ((List<string>)doc.Risks[0].Command!.Programs).Add("ls");
        Assert.Equal(["rm"], plan.Risks[0].Command!.Programs);
    }

    /// <summary>Every object reachable through public properties of Autopilot.Policy types, lists and dictionaries.</summary>
    private static void Walk(object? value, string path, HashSet<object> seen, List<string> problems, ref int visited)
    {
        if (value is null or string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is DateTime or Type)
        {
            return;
        }

        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return;
        }

        visited++;
        switch (value)
        {
            case Array array:
                if (array.Length > 0)
                {
                    problems.Add($"{path} is a writable array ({array.GetType().Name}, {array.Length} items)");
                }

                return;
            case IDictionary dictionary:
                if (!dictionary.IsReadOnly)
                {
                    problems.Add($"{path} is a writable dictionary ({dictionary.GetType().Name})");
                }

                foreach (DictionaryEntry entry in dictionary)
                {
                    Walk(entry.Value, $"{path}[{entry.Key}]", seen, problems, ref visited);
                }

                return;
            case IEnumerable items:
                if (value is not IList { IsReadOnly: true })
                {
                    problems.Add($"{path} is a writable or unknown collection ({value.GetType().Name})");
                }

                var i = 0;
                foreach (var item in items)
                {
                    Walk(item, $"{path}[{i++}]", seen, problems, ref visited);
                }

                return;
        }

        if (value.GetType().Namespace?.StartsWith("Autopilot.Policy", StringComparison.Ordinal) != true)
        {
            return;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The document, kept for the authoring kit only, and compiler-generated record members.
            if (property.GetIndexParameters().Length > 0 || (value is PolicyPlan && property.Name == nameof(PolicyPlan.Source))
                || property.GetCustomAttribute<CompilerGeneratedAttribute>() is not null && property.Name == "EqualityContract")
            {
                continue;
            }

            Walk(property.GetValue(value), $"{path}.{property.Name}", seen, problems, ref visited);
        }
    }
}
