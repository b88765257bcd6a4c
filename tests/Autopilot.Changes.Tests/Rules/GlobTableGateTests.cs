using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Rules;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.Rules;

/// <summary>
/// The one glob table (<see cref="GlobTable"/>) through the change gate: a diff that adds the table's path, judged by a
/// protected-paths rule and by a work order's scope that list the pattern; and the glob lists of the C# and schema
/// rules and work orders (<c>CSharp.PathGlob</c>).
/// </summary>
public sealed class GlobTableGateTests
{
    private static ChangeSet Adding(string path) =>
        UnifiedDiffParser.Parse($"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+x\n");

    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void Protected_paths_rule(string pattern, string path, bool expected)
    {
        var engine = new DiffRuleEngine([new DiffRuleDef { Id = "P", Kind = "protected-paths", Paths = [pattern] }]);
        Assert.Empty(engine.Problems);
        var findings = engine.Evaluate(Adding(path), null);
        Assert.Equal(expected, findings.Any(f => f.RuleId == "P"));
    }

    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void Work_order_scope(string pattern, string path, bool expected)
    {
        var engine = new DiffRuleEngine([new DiffRuleDef { Id = "S", Kind = "scope" }]);
        var findings = engine.Evaluate(Adding(path), new ScopeFacts { AllowedPaths = [pattern] });
        Assert.Equal(expected, !findings.Any(f => f.RuleId == "S"));
    }

    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void Glob_lists_of_the_code_rules(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, Autopilot.Changes.CSharp.PathGlob.IsMatchAny([pattern], path));
        Assert.Equal(expected, Autopilot.Changes.CSharp.PathGlob.IsMatch(pattern, "./" + path));
    }

    [Theory]
    [MemberData(nameof(GlobTable.MalformedData), MemberType = typeof(GlobTable))]
    public void A_malformed_glob_fails_the_rule_closed(string pattern)
    {
        var engine = new DiffRuleEngine([new DiffRuleDef { Id = "P", Kind = "protected-paths", Paths = [pattern] }]);
        var finding = Assert.Single(engine.Evaluate(Adding("src/a.cs"), null));
        Assert.Equal(Severity.Deny, finding.Severity);
    }
}
