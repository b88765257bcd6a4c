using System.Collections;
using System.Runtime.CompilerServices;
using Autopilot.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Autopilot.Generators.Tests;

/// <summary>The pipeline is incremental: a second run, or a C# edit that has nothing to do with policies, re-does no policy work.</summary>
public sealed class CachingTests
{
    private static readonly string[] s_policySteps =
    [
        TrackingNames.PolicyFiles,
        TrackingNames.PolicyInputs,
        TrackingNames.PolicyResults,
        TrackingNames.PolicySpecs,
        TrackingNames.PolicyDiagnostics,
        TrackingNames.GeneratedNames,
        TrackingNames.ReferencesCore,
    ];

    [Fact]
    public void A_second_run_and_an_unrelated_CSharp_edit_reuse_every_policy_step()
    {
        AdditionalText[] policies = [new InMemoryText("/p/default.policy.yaml", Repo.DefaultPolicyText), new InMemoryText("/p/small.policy.yaml", Policies.Small)];
        var compilation = GeneratorHarness.Compilation("Consumer", "namespace Consumer { public static class A { } }");

        var driver = GeneratorHarness.CreateDriver(policies).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.All(s_policySteps, step => Assert.True(first.TrackedSteps.ContainsKey(step), $"step {step} did not run"));
        AssertNoForbiddenObjects(first);

        driver = driver.RunGenerators(compilation.Clone());
        AssertReused(driver.GetRunResult().Results.Single());

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Consumer { public static class B { public static int X => 1; } }", GeneratorHarness.ParseOptions));
        driver = driver.RunGenerators(edited);
        var afterEdit = driver.GetRunResult().Results.Single();
        AssertReused(afterEdit);
        AssertNoForbiddenObjects(afterEdit);
        Assert.Equal(2, afterEdit.GeneratedSources.Length);
    }

    [Fact]
    public void Editing_one_policy_recompiles_only_that_policy()
    {
        var small = new InMemoryText("/p/small.policy.yaml", Policies.Small);
        var compilation = GeneratorHarness.Compilation("Consumer", "namespace Consumer { public static class A { } }");
        var driver = GeneratorHarness.CreateDriver([new InMemoryText("/p/default.policy.yaml", Repo.DefaultPolicyText), small]).RunGenerators(compilation);

        var changed = new InMemoryText("/p/small.policy.yaml", Policies.Small.Replace("version: 2.1.0", "version: 2.2.0", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(small, changed).RunGenerators(compilation);

        var results = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.PolicyResults];
        var reasons = results.SelectMany(step => step.Outputs).Select(o => o.Reason).ToList();
        Assert.Single(reasons, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(reasons, r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }

    private static void AssertReused(GeneratorRunResult run)
    {
        foreach (var name in s_policySteps)
        {
            foreach (var step in run.TrackedSteps[name])
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name} output was {reason}");
                }
            }
        }
    }

    /// <summary>Walks every tracked step's outputs (and tuples, arrays and records' arrays inside them) for Roslyn objects that would pin a compilation.</summary>
    private static void AssertNoForbiddenObjects(GeneratorRunResult run)
    {
        foreach (var (name, steps) in run.TrackedSteps)
        {
            if (name == "Compilation")
            {
                continue; // Roslyn's own input node (CompilationProvider) is the compilation; our steps must not carry it on
            }

            foreach (var step in steps)
            {
                foreach (var (value, _) in step.Outputs)
                {
                    Walk(name, value, depth: 0);
                }
            }
        }

        static void Walk(string step, object? value, int depth)
        {
            Assert.False(value is Compilation or ISymbol or SyntaxNode or SyntaxTree or SemanticModel, $"step {step} carries a {value?.GetType().Name}");
            if (depth > 8 || value is null or string)
            {
                return;
            }

            if (value is ITuple tuple)
            {
                for (var i = 0; i < tuple.Length; i++)
                {
                    Walk(step, tuple[i], depth + 1);
                }
            }
            else if (value is IEnumerable items)
            {
                foreach (var item in items)
                {
                    Walk(step, item, depth + 1);
                }
            }
            else if (value.GetType().Namespace?.StartsWith("Autopilot.Generators", StringComparison.Ordinal) == true)
            {
                foreach (var property in value.GetType().GetProperties())
                {
                    if (property.GetIndexParameters().Length == 0)
                    {
                        Walk(step, property.GetValue(value), depth + 1);
                    }
                }
            }
        }
    }
}
