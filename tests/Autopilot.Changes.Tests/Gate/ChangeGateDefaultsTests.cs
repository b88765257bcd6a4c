using Autopilot.Changes.Gate;
using Autopilot.Testing;
using Autopilot.Core.Policies;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;

namespace Autopilot.Changes.Tests.Gate;

/// <summary>The gate built with no analyses named runs every one; a rule no analysis evaluates denies instead of passing.</summary>
public sealed class ChangeGateDefaultsTests
{
    private const string Policy = """
        apiVersion: autopilot/v1
        metadata:
          name: gate-defaults
          version: 1.0.0
        phases: [implement]
        diff:
          - id: AP-NO-PROCESS
            kind: banned-api
            patterns:
              - "System.Diagnostics.Process.Start;Do not start processes"
        """;

    private static PolicyEngine Engine()
    {
        var result = PlanBuilder.Compile(PolicyLoader.LoadText(Policy, "gate-defaults.policy.yaml"), PolicyChecks.None);
        return PolicySource.EngineFor(result.Plan ?? throw new InvalidOperationException(string.Join("; ", result.Diagnostics)));
    }

    /// <summary>A real repository whose working tree adds a call of the banned method to a committed file.</summary>
    private static GateRequest Request(TempGitRepo repo)
    {
        repo.Write("src/Worker.cs", "namespace Lib;\n\npublic sealed class Worker\n{\n}\n");
        repo.Commit("base");
        repo.Write("src/Worker.cs", "namespace Lib;\n\npublic sealed class Worker\n{\n    public void Run() => System.Diagnostics.Process.Start(\"x\");\n}\n");
        return new GateRequest { RepositoryRoot = repo.Path, Base = "main" };
    }

    [Fact]
    public void A_gate_built_with_the_engine_alone_denies_a_change_that_adds_a_banned_call()
    {
        using var repo = new TempGitRepo();
        var decision = new ChangeGate(Engine()).Judge(Request(repo)).Decision;

        Assert.True(decision.Verdict == Verdict.Deny, string.Join("\n", decision.Findings.Select(f => $"{f.RuleId} {f.Severity} {f.Message}")));
        Assert.Contains(decision.Findings, f => f.RuleId == "AP-NO-PROCESS" && f.Location?.Path == "src/Worker.cs");
    }

    [Fact]
    public void A_gate_given_no_CSharp_analysis_denies_naming_the_rule_it_cannot_evaluate()
    {
        using var repo = new TempGitRepo();
        var decision = new ChangeGate(Engine(), []).Judge(Request(repo)).Decision;

        Assert.Equal(Verdict.Deny, decision.Verdict);
        var finding = Assert.Single(decision.Findings, f => f.RuleId == ChangeGate.UnevaluatedRuleId);
        Assert.Contains("AP-NO-PROCESS", finding.Message, StringComparison.Ordinal);
        Assert.Equal("gate-defaults.policy.yaml", finding.Location?.Path);
        Assert.Equal(7, finding.Location?.Line); // the rule, where the policy defines it
    }
}
