using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Layers;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;

namespace Autopilot.Policy.Tests.Layers;

/// <summary>"Tighten" per construct (docs/policy-lifecycle.md): each loosening is an AP1121 error naming both places; each tightening merges.</summary>
public sealed class PolicyLayerMergeTests
{
    private const string Base = """
        phases: [a, b]
        actions:
          defaultRisk: low
          protectedPaths: [".git/**"]
          workspaceExtraPaths: ["/tmp/**"]
        autonomy:
          default: l
          promoteAfterSuccesses: 5
          demoteAfterFailures: 2
          levels:
            - { id: l, allowUpTo: low, escalateUpTo: high }
            - { id: m, allowUpTo: medium, escalateUpTo: critical }
        risks:
          - { id: R, risk: high, message: m, command: { programs: [rm] } }
        escalation:
          - { id: E, severity: escalate, message: m, condition: { signal: retries, op: ">", value: 3 } }
        diff:
          - { id: D-MAX, kind: max-files, max: 20 }
          - { id: D-SCOPE, kind: scope, paths: ["src/**"] }
          - { id: D-SECRETS, kind: secrets, patterns: ["AKIA[0-9A-Z]{16}"] }
        tools:
          always: [Read, TodoWrite]
        """;

    private static (PolicyDocument Merged, List<PolicyDiagnostic> Diagnostics) Merge(string overlay)
    {
        var upper = PolicyLoader.LoadText(Base, "/org/base.policy.yaml");
        Assert.Empty(upper.Diagnostics);
        var lower = PolicyLoader.LoadText("base: { path: base.policy.yaml }\n" + overlay, "/repo/over.policy.yaml");
        Assert.Empty(lower.Diagnostics);
        var diagnostics = new List<PolicyDiagnostic>();
        return (PolicyLayerMerge.Merge(upper.Document!, "org", lower.Document!, "repository", diagnostics), diagnostics);
    }

    private static void AssertLoosens(string overlay, string expected)
    {
        var (_, diagnostics) = Merge(overlay);
        var error = Assert.Single(diagnostics);
        Assert.Equal(PolicyDiagnosticIds.LayerLoosens, error.Id);
        Assert.Equal("/repo/over.policy.yaml", error.Location.Path);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("risks:\n  - { id: R, risk: medium, message: m }\n", "below the base's 'high' at /org/base.policy.yaml:14")]
    [InlineData("risks:\n  - { id: R, risk: critical, message: m, command: { programs: [rmdir] } }\n", "not change its matcher")]
    [InlineData("autonomy:\n  levels:\n    - { id: l, allowUpTo: low, escalateUpTo: critical }\n", "escalateUpTo 'critical'")]
    [InlineData("autonomy:\n  levels:\n    - { id: x, allowUpTo: none }\n", "may not add levels")]
    [InlineData("autonomy:\n  default: m\n", "more autonomous level")]
    [InlineData("autonomy:\n  promoteAfterSuccesses: 2\n", "promotes sooner")]
    [InlineData("autonomy:\n  demoteAfterFailures: 0\n", "demotes later")]
    [InlineData("autonomy:\n  aboveLevel: { id: AE, verdict: allow }\n", "answers allow, below the base's escalate")]
    [InlineData("actions:\n  defaultRisk: none\n", "actions.defaultRisk 'none'")]
    [InlineData("actions:\n  workspaceExtraPaths: [\"/var/**\"]\n", "'/var/**'")]
    [InlineData("escalation:\n  - { id: E, severity: warning, message: m }\n", "severity warning")]
    [InlineData("diff:\n  - { id: D-MAX, kind: max-files, max: 21 }\n", "max 21 is above 20")]
    [InlineData("diff:\n  - { id: D-SCOPE, kind: scope, paths: [\"src/**\", \"tests/**\"] }\n", "it allows 'tests/**'")]
    [InlineData("diff:\n  - { id: D-SECRETS, kind: secrets, patterns: [] }\n", "drops the pattern")]
    [InlineData("tools:\n  always: [Read, Bash]\n", "'Bash'")]
    [InlineData("phases: [a]\n", "may not redefine 'phases'")]
    [InlineData("risks:\n  - { id: R, risk: high, message: m, enforcement: shadow }\n", "less enforced than the base's 'enforce'")]
    [InlineData("exceptions:\n  - { id: X, rule: R, paths: [\"a/**\"], owner: o, reason: r, expires: 2099-01-01 }\n", "exceptions to a base rule belong in the base")]
    public void EachLooseningIsAnErrorNamingBothPlaces(string overlay, string expected) => AssertLoosens(overlay, expected);

    [Fact]
    public void TighteningsMergeAndTheOverlayAddsRules()
    {
        var (merged, diagnostics) = Merge("""
            actions:
              defaultRisk: medium
              protectedPaths: ["policies/**"]
            autonomy:
              promoteAfterSuccesses: 0
              levels:
                - { id: m, allowUpTo: low, escalateUpTo: high }
            risks:
              - { id: R, risk: critical, message: never }
              - { id: R2, risk: high, message: curl, command: { programs: [curl] } }
            diff:
              - { id: D-MAX, kind: max-files, max: 10 }
              - { id: D-SCOPE, kind: scope, paths: [] }
            tools:
              always: [Read]
            """);
        Assert.Empty(diagnostics);
        Assert.Equal("medium", merged.Actions.DefaultRisk);
        Assert.Equal([".git/**", "policies/**"], merged.Actions.ProtectedPaths);
        Assert.Equal(0, merged.Autonomy.PromoteAfterSuccesses);
        Assert.Equal("low", merged.Autonomy.Levels.Single(l => l.Id == "m").AllowUpTo.Value);
        var rule = merged.Risks.Single(r => r.Id == "R");
        Assert.Equal(("critical", "never"), (rule.Risk.Value, rule.Message));
        Assert.NotNull(rule.Command);
        Assert.Equal(["R", "R2"], merged.Risks.Select(r => r.Id));
        Assert.Equal(10, merged.Diff.Single(d => d.Id == "D-MAX").Max);
        Assert.Equal(["Read"], merged.Tools.Always);
        Assert.Equal(["org", "repository"], merged.Layers.Select(l => l.Name));
        Assert.Equal("repository", merged.RuleLayers["R"]);
        Assert.Equal("org", merged.RuleLayers["E"]);
        Assert.Equal(2, merged.Phases.Count);
    }

    [Fact]
    public void TheMergedHashChangesWithEitherLayer()
    {
        var (a, _) = Merge("risks:\n  - { id: R, risk: critical, message: m }\n");
        var (b, _) = Merge("risks:\n  - { id: R, risk: critical, message: n }\n");
        Assert.NotEqual(a.Hash, b.Hash);
        Assert.Equal(64, a.Hash.Length);
    }
}
