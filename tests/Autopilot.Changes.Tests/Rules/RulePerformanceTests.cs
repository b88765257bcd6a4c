using System.Text;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Rules;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.Rules;

/// <summary>A 1,000-file change judged end to end (the timing lives in benchmarks/GateBenchmarks, not here).</summary>
public sealed class RulePerformanceTests
{
    internal static readonly IReadOnlyList<DiffRuleDef> DefaultLikeRules =
    [
        new() { Id = "scope", Kind = "scope" },
        new() { Id = "protected", Kind = "protected-paths", Paths = ["policies/**", ".github/workflows/**", "**/*.pem", "**/.env", "secrets/**"] },
        new() { Id = "files", Kind = "max-files", Max = 5000 },
        new() { Id = "lines", Kind = "max-lines", Max = 200_000, MaxPerFile = 5000 },
        new() { Id = "tests", Kind = "tests-required", SourcePaths = ["src/**"], TestPaths = ["tests/**"] },
        new() { Id = "secrets", Kind = "secrets" },
        new() { Id = "trojan", Kind = "trojan-source" },
        new() { Id = "paths", Kind = "path-safety" },
        new() { Id = "rollback", Kind = "rollback-note", Paths = ["db/migrations/**", "config/**"] },
        new() { Id = "base", Kind = "base-hashes" },
    ];

    [Fact]
    public void Thousand_file_change_is_judged_without_findings()
    {
        var diff = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            var dir = i % 2 == 0 ? "src" : "tests";
            diff.Append($"diff --git a/{dir}/m{i / 50}/file{i}.txt b/{dir}/m{i / 50}/file{i}.txt\n--- a/{dir}/m{i / 50}/file{i}.txt\n+++ b/{dir}/m{i / 50}/file{i}.txt\n@@ -1,20 +1,40 @@\n");
            for (var k = 0; k < 20; k++)
            {
                diff.Append($" context line {k} of file {i}\n");
                diff.Append($"+var setting{k} = \"value number {k} in file {i}\"; // password: see vault\n");
            }
        }

        var text = diff.ToString();
        var scope = new ScopeFacts { AllowedPaths = ["src/**", "tests/**"] };
        var engine = new DiffRuleEngine(DefaultLikeRules);
        var changes = UnifiedDiffParser.Parse(text);
        var findings = engine.Evaluate(changes, scope);
        Assert.Equal(1000, changes.Files.Count);
        Assert.Equal(20_000, changes.Files.Sum(f => f.AddedCount));
        Assert.Empty(findings);
    }
}
