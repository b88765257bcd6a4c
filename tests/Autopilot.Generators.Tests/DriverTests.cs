using System.Reflection;
using Autopilot.Generators.Tests.Infrastructure;
using Autopilot.Policy.Diagnostics;
using Microsoft.CodeAnalysis;

namespace Autopilot.Generators.Tests;

/// <summary>The generator run in-process with CSharpGeneratorDriver: what it generates and what it reports, and where.</summary>
public sealed class DriverTests
{
    [Fact]
    public void Default_policy_generates_one_file_that_compiles_without_warnings()
    {
        var run = GeneratorHarness.Run(Repo.DefaultPolicyPath, Repo.DefaultPolicyText);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.DriverDiagnostics);
        var tree = Assert.Single(run.Result.GeneratedTrees);
        Assert.EndsWith("Autopilot.Generated.DefaultPolicy.g.cs", tree.FilePath, StringComparison.Ordinal);
        Assert.Empty(run.CompileProblems());
        Assert.NotNull(run.Output.GetTypeByMetadataName("Autopilot.Generated.DefaultPolicy+TransitionGate"));
        Assert.NotNull(run.Output.GetTypeByMetadataName("Autopilot.Generated.DefaultPolicy+Phase"));
    }

    [Fact]
    public void Files_that_are_not_policies_are_ignored()
    {
        var run = GeneratorHarness.Run([new InMemoryText("/repo/notes.yaml", "not: [a policy"), new InMemoryText("/repo/x.policy.tests.yaml", "cases: []")]);

        Assert.Empty(run.Result.GeneratedTrees);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void An_unknown_key_is_an_error_at_its_line_and_column()
    {
        const string yaml = """
            apiVersion: autopilot/v1
            phases: [plan, build]
            transitons:
              mode: sequential
            """;

        var run = GeneratorHarness.Run("/repo/typo.policy.yaml", yaml);

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal(PolicyDiagnosticIds.UnknownKey, d.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity);
        var span = d.Location.GetLineSpan();
        Assert.Equal("/repo/typo.policy.yaml", span.Path);
        Assert.Equal((2, 0), (span.StartLinePosition.Line, span.StartLinePosition.Character)); // line 3, column 1 as 1-based
        Assert.Contains("transitions", d.GetMessage(), StringComparison.Ordinal); // did you mean
        Assert.Empty(run.Result.GeneratedTrees); // fail closed: no gates from a broken policy
    }

    [Fact]
    public void Every_error_of_a_policy_is_reported_where_it_was_written()
    {
        const string yaml = """
            phases:
              - id: plan
                evidence: [plna]
              - id: build
            transitions:
              mode: explicit
              edges:
                - { from: plan, to: biuld }
            """;

        var run = GeneratorHarness.Run("/repo/refs.policy.yaml", yaml);

        var found = run.Diagnostics.Select(d => (d.Id, Line: d.Location.GetLineSpan().StartLinePosition.Line + 1, Column: d.Location.GetLineSpan().StartLinePosition.Character + 1)).ToList();
        Assert.Contains((PolicyDiagnosticIds.UnknownReference, 3, 16), found); // 'plna' inside [plna]
        Assert.Contains((PolicyDiagnosticIds.UnknownReference, 8, 7), found);  // the edge naming 'biuld'
        Assert.Contains(found, f => f.Id == PolicyDiagnosticIds.UnreachablePhase && f.Line == 4);
        Assert.All(run.Diagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity));
        Assert.Empty(run.Result.GeneratedTrees);
    }

    [Fact]
    public void A_located_diagnostic_spans_the_text_it_points_at()
    {
        const string yaml = "phases: [plan]\nriskLevels: [low, high]\nactions: { defaultRisk: medum }\n";

        var run = GeneratorHarness.Run("/repo/span.policy.yaml", yaml);

        Assert.NotEmpty(run.Diagnostics);
        foreach (var d in run.Diagnostics)
        {
            var span = d.Location.SourceSpan;
            var lines = d.Location.GetLineSpan();
            Assert.InRange(span.End, span.Start, yaml.Length);
            // The text span and the line span describe the same place.
            var lineStart = yaml.Split('\n').Take(lines.StartLinePosition.Line).Sum(l => l.Length + 1);
            Assert.Equal(lineStart + lines.StartLinePosition.Character, span.Start);
        }
    }

    [Fact]
    public void YAML_syntax_errors_are_located()
    {
        const string yaml = "phases: [plan]\nmetadata: name: x\n";

        var run = GeneratorHarness.Run("/repo/syntax.policy.yaml", yaml);

        var d = Assert.Single(run.Diagnostics);
        Assert.True(d.Id == PolicyDiagnosticIds.YamlSyntax, d.ToString());
        Assert.Equal(1, d.Location.GetLineSpan().StartLinePosition.Line); // line 2
        Assert.Empty(run.Result.GeneratedTrees);
    }

    [Fact]
    public void When_the_policy_compiler_throws_the_build_gets_an_error_not_a_crash()
    {
        // An unterminated flow sequence at the end of the file makes YamlDotNet throw InvalidOperationException,
        // which the loader does not catch (reported to the lead). The generator fails closed with AP1900.
        const string yaml = "phases: [plan, build\nmetadata: { name: x }\n";

        var run = GeneratorHarness.Run("/repo/crash.policy.yaml", yaml);

        var d = Assert.Single(run.Diagnostics);
        Assert.True(d.Id is "AP1900" or PolicyDiagnosticIds.YamlSyntax, d.ToString());
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity);
        Assert.Empty(run.Result.GeneratedTrees);
        Assert.DoesNotContain(run.DriverDiagnostics, x => x.Id == "CS8785");
    }

    [Fact]
    public void An_empty_policy_file_is_an_error_not_a_crash()
    {
        var run = GeneratorHarness.Run("/repo/empty.policy.yaml", "");

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal(PolicyDiagnosticIds.FileUnreadable, d.Id);
        Assert.All(run.DriverDiagnostics, x => Assert.StartsWith("AP", x.Id, StringComparison.Ordinal)); // no CS8785: the generator did not throw
    }

    [Fact]
    public void Namespace_and_class_name_come_from_build_properties_and_file_metadata()
    {
        var options = new TestOptionsProvider(
            new() { ["build_property.AutopilotPolicyNamespace"] = "My.App.Policies" },
            new() { ["/repo/b.policy.yaml"] = new() { ["build_metadata.AdditionalFiles.AutopilotClassName"] = "Gates", ["build_metadata.AdditionalFiles.AutopilotNamespace"] = "Other" } });

        var run = GeneratorHarness.Run([new InMemoryText("/repo/a-b_c.policy.yaml", "phases: [x]"), new InMemoryText("/repo/b.policy.yaml", "phases: [y]")], options);

        Assert.Empty(run.Diagnostics);
        Assert.NotNull(run.Output.GetTypeByMetadataName("My.App.Policies.ABCPolicy"));
        Assert.NotNull(run.Output.GetTypeByMetadataName("Other.Gates"));
        Assert.Empty(run.CompileProblems());
    }

    [Fact]
    public void An_option_that_is_not_a_CSharp_name_is_an_error()
    {
        var options = new TestOptionsProvider(new() { ["build_property.AutopilotPolicyNamespace"] = "My.class.Policies" });

        var run = GeneratorHarness.Run([new InMemoryText("/repo/a.policy.yaml", "phases: [x]")], options);

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("AP1903", d.Id);
        Assert.Contains("My.class.Policies", d.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(run.Result.GeneratedTrees);
    }

    [Fact]
    public void Two_policies_that_would_generate_the_same_type_are_an_error_and_only_the_first_is_generated()
    {
        var run = GeneratorHarness.Run([new InMemoryText("/repo/b/default.policy.yaml", "phases: [y]"), new InMemoryText("/repo/a/default.policy.yaml", "phases: [x]")]);

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("AP1904", d.Id);
        Assert.Equal("/repo/b/default.policy.yaml", d.Location.GetLineSpan().Path);
        Assert.Single(run.Result.GeneratedTrees);
        Assert.Empty(run.CompileProblems());
    }

    [Fact]
    public void A_consumer_without_the_Core_reference_gets_one_AP1905_instead_of_compiler_errors()
    {
        var withoutCore = GeneratorHarness.CompilationWithoutCore("Consumer", "namespace Consumer { internal static class Empty { } }");
        Assert.Null(withoutCore.GetTypeByMetadataName("Autopilot.Core.Gates.ITransitionGate"));

        var run = GeneratorHarness.Run([new InMemoryText("/repo/a.policy.yaml", "phases: [x]")], compilation: withoutCore);

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("AP1905", d.Id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("/repo/a.policy.yaml", d.Location.GetLineSpan().Path);
        Assert.Contains("Autopilot.Core", d.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(run.Result.GeneratedTrees);
        Assert.Empty(run.CompileProblems());
    }

    [Fact]
    public void Names_that_are_not_identifiers_become_distinct_identifiers()
    {
        const string yaml = """
            riskLevels: [none, 1st, "a-b", "a_b", class]
            phases: [plan, "Plan", "2nd phase", "ünïcode"]
            transitions: { mode: explicit, edges: [{ from: plan, to: Plan }, { from: Plan, to: "2nd phase" }, { from: "2nd phase", to: "ünïcode" }] }
            evidence: { items: [{ id: none, path: a.md }, { id: value__, path: b.md }] }
            actions: { defaultRisk: none, unlistedRisk: class, unknownRisk: class }
            """;

        var run = GeneratorHarness.Run("/repo/names.policy.yaml", yaml);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompileProblems());
        var text = run.GeneratedText("NamesPolicy.g.cs");
        Assert.Contains("Plan = 0,", text, StringComparison.Ordinal);
        Assert.Contains("Plan_2 = 1,", text, StringComparison.Ordinal);
        Assert.Contains("_2ndPhase = 2,", text, StringComparison.Ordinal);
        Assert.Contains("ÜnïCode = 3,", text.Replace("Ünïcode", "ÜnïCode", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("None_2 = 1UL << 0,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_text_cannot_end_a_comment_and_become_code()
    {
        // U+2028 ends a line in C#: a message carrying it must not turn the rest of the message into code.
        const string yaml = "phases: [plan]\nescalation:\n  - id: X\n    message: \"fine\\u2028 public static int Injected = 1; //\"\n    condition: { signal: retries, op: '>', value: 1 }\n";

        var run = GeneratorHarness.Run("/repo/inject.policy.yaml", yaml);

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompileProblems());
        Assert.Null(run.Output.GetTypeByMetadataName("Autopilot.Generated.InjectPolicy")!.GetMembers("Injected").FirstOrDefault());
    }

    [Fact]
    public void Every_policy_diagnostic_id_has_its_own_descriptor_and_is_tracked_in_the_release_notes()
    {
        var ids = typeof(PolicyDiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        var unshipped = File.ReadAllText(Path.Combine(Repo.Root, "generators", "Autopilot.Generators", "AnalyzerReleases.Unshipped.md"));

        Assert.NotEmpty(ids);
        foreach (var id in ids)
        {
            var descriptor = PolicyGateGenerator.DiagnosticDescriptors.ForPolicyId(id);
            Assert.Equal(id, descriptor.Id);
            Assert.Contains($"\n{id} |", unshipped, StringComparison.Ordinal);
        }
    }
}
