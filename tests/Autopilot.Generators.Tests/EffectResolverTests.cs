using Autopilot.Generators.Model;
using Autopilot.Generators.Tests.Infrastructure;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Autopilot.Generators.Tests;

/// <summary>
/// The effect resolver the generator compiles from a policy's packs when the project asks (AutopilotEffectResolver):
/// only then, incrementally, and as the snapshot of a pack that uses every kind of entry shows. That it answers as the
/// interpreter does is tested where it is compiled: tests/Autopilot.Core.Tests/Effects/CompiledEffectResolverTests.cs.
/// </summary>
public sealed class EffectResolverTests
{
    private static readonly TestOptionsProvider s_withResolver = new(new() { [PolicyGateGenerator.EffectResolverProperty] = "true" });

    [Fact]
    public void Without_the_option_no_resolver_is_generated()
    {
        var run = GeneratorHarness.Run("/policies/default.policy.yaml", Repo.DefaultPolicyText);

        Assert.DoesNotContain(run.Result.GeneratedTrees, t => t.FilePath.EndsWith("Effects.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void With_the_option_the_policys_packs_are_compiled_beside_its_gates()
    {
        var without = GeneratorHarness.Run("/policies/default.policy.yaml", Repo.DefaultPolicyText);
        var with = GeneratorHarness.Run([new InMemoryText("/policies/default.policy.yaml", Repo.DefaultPolicyText)], s_withResolver);

        var effects = with.GeneratedText("DefaultPolicy.Effects.g.cs");
        var plan = PlanBuilder.Compile(PolicyLoader.LoadText(Repo.DefaultPolicyText, "/policies/default.policy.yaml"), PolicyChecks.None).Plan!;
        Assert.Contains($"public const string PacksHash = \"{plan.PacksHash}\";", effects, StringComparison.Ordinal);
        Assert.Empty(CSharpSyntaxTree.ParseText(effects, GeneratorHarness.ParseOptions).GetDiagnostics());
        Assert.DoesNotContain("Regex", effects, StringComparison.Ordinal);
        Assert.Equal(without.GeneratedText("DefaultPolicy.g.cs"), with.GeneratedText("DefaultPolicy.g.cs"));
    }

    [Fact]
    public void A_second_run_reuses_the_compiled_packs()
    {
        var compilation = GeneratorHarness.Compilation("Consumer", "namespace Consumer { public static class A { } }");
        var driver = GeneratorHarness.CreateDriver([new InMemoryText("/p/default.policy.yaml", Repo.DefaultPolicyText)], s_withResolver).RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.Clone());

        var run = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { TrackingNames.PolicyResults, TrackingNames.PolicySpecs })
        {
            Assert.All(run.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }

        // The gates, the effect resolver, and the policy's YAML events the engine loads it from.
        Assert.Equal(3, run.GeneratedSources.Length);
        Assert.Contains(run.GeneratedSources, s => s.HintName.EndsWith(".Events.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void Lowering_the_same_packs_twice_gives_equal_models()
    {
        var packs = PackLoader.LoadText(TestPack, "test.pack.yaml").Packs;

        Assert.Equal(PolicyGateGenerator.BuildEffects(packs, "h"), PolicyGateGenerator.BuildEffects(PackLoader.LoadText(TestPack, "test.pack.yaml").Packs, "h"));
    }

    [Fact]
    public void Snapshot_of_a_pack_with_every_kind_of_entry()
    {
        var loaded = PackLoader.LoadText(TestPack, "test.pack.yaml");
        Assert.Empty(loaded.Diagnostics);
        var spec = new PolicySpec
        {
            Namespace = "Test.Policies",
            ClassName = "TestPolicy",
            FileName = "test.policy.yaml",
            Effects = PolicyGateGenerator.BuildEffects(loaded.Packs, PackLoader.HashOf(loaded.Packs)),
        };

        SnapshotTests.Verify(PolicyGateGenerator.GenerateEffects(spec), "TestPolicy.Effects");
    }

    /// <summary>Program names and patterns, value flags, subcommands (one and two words, own flags), otherwise, every target kind, methods, variables.</summary>
    private const string TestPack = """
        apiVersion: autopilot/pack/v1
        pack: test
        programs:
          - names: [deployctl, dctl, "deploy-*"]
            valueFlags: [-e, --env]
            effects: [net.egress]
            subcommands:
              - words: status
                effects: [remote.read]
              - words: logs
              - words: "release rollback"
                effects:
                  - { effect: remote.change, reason: "rolls production back" }
              - words: push
                valueFlags: [-m, --message]
                effects:
                  - { effect: vcs.push, ifNotFlags: [--dry-run], alternative: "deployctl push --dry-run" }
                  - { effect: vcs.force-push, ifFlags: [--force, -f] }
              - words: destroy
                effects:
                  - { effect: remote.destroy, ifOperands: some, ifNotArgs: ["staging-*"] }
            otherwise: [remote.change]
          - names: [fetchit]
            valueFlags: [-X, --request, -o, --output, -d]
            effects:
              - { effect: net.egress, methodFlags: [-X, --request] }
              - { effect: net.upload, ifFlagValues: { -d: ["@*"], --data: ["@*"] }, method: POST }
              - { effect: file.write, targetFlags: [-o, --output] }
          - names: [copyit]
            effects:
              - { effect: file.read, targets: all-but-last }
              - { effect: file.write, targets: last, recursive: [-r, -a] }
              - { effect: file.delete, targets: operands, skip: 1, noSkipWith: [-e], recursive: [always], ifArgs: ["*.tmp", "[!.]?x"] }
          - names: [ddx]
            effects:
              - { effect: file.write, targetPrefix: "of=" }
              - { effect: file.read, targets: first, ifOperands: none }
              - { effect: exec.unseen, targets: stdin }
        environment:
          - names: [DEPLOY_HOOK, "DEPLOY_*_CMD"]
            effects: [exec.unseen]
        """;
}
