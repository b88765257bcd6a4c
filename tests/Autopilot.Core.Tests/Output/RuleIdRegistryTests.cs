using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Output;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Output;

/// <summary>The registry of built-in rule ids (<see cref="RuleIds"/>): complete, described, and the only place an id is spelled.</summary>
public sealed partial class RuleIdRegistryTests
{
    [GeneratedRegex("\"AP-")]
    private static partial Regex IdLiteral();

    [Fact]
    public void No_rule_id_literal_lives_in_src_outside_the_registry()
    {
        var src = Path.Combine(TestProcess.RepoRoot, "src");
        var registry = Path.Combine(src, "Autopilot.Policy", "Model", "RuleIds.cs");
        var stray = new List<string>();
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            if (file == registry || relative.Split(Path.DirectorySeparatorChar).Any(p => p is "obj" or "bin"))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (IdLiteral().IsMatch(lines[i]))
                {
                    stray.Add($"src/{relative.Replace('\\', '/')}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(stray.Count == 0, "Rule ids belong in RuleIds (src/Autopilot.Policy/Model/RuleIds.cs):\n" + string.Join('\n', stray));
    }

    [Fact]
    public void Every_constant_is_registered_once_with_a_description_and_help()
    {
        var constants = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(RuleIds.AutonomyFamily))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        Assert.Equal(constants.Order(StringComparer.Ordinal), RuleIds.All.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.Equal(RuleIds.All.Count, RuleIds.All.Select(i => i.Id).Distinct().Count());
        Assert.All(RuleIds.All, info =>
        {
            Assert.Matches("^AP-[A-Z0-9]+(-[A-Z0-9]+)*$", info.Id);
            Assert.EndsWith(".", info.Description, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(info.Help));
            Assert.Same(info, RuleIds.Find(info.Id));
        });
        Assert.Null(RuleIds.Find("AP-RISK-RM-ROOT"));   // a policy's own id: its message is in the policy
    }

    [Fact]
    public void Sarif_reads_description_and_help_from_the_registry()
    {
        var decision = new Decision(
        [
            new Finding(RuleIds.PathProtected, Severity.Escalate, "Writing 'policies/a.yaml' changes a protected path"),
            new Finding("AP-DIFF-PROTECTED", Severity.Escalate, "The change touches a protected path."),
        ], "hash", TimeSpan.Zero);
        using var sarif = JsonDocument.Parse(SarifWriter.ToSarif(decision, "/work/repo", new Dictionary<string, string> { ["AP-DIFF-PROTECTED"] = "From the policy." }));
        var rules = sarif.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("id").GetString()!);
        var builtIn = rules[RuleIds.PathProtected];
        Assert.Equal(RuleIds.Find(RuleIds.PathProtected)!.Description, builtIn.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Equal(RuleIds.Find(RuleIds.PathProtected)!.Help, builtIn.GetProperty("help").GetProperty("text").GetString());
        var own = rules["AP-DIFF-PROTECTED"];
        Assert.Equal("From the policy.", own.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.False(own.TryGetProperty("help", out _));
    }
}
