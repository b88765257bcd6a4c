using Autopilot.Core.Actions;
using Autopilot.Core.Policies;
using Autopilot.Core.PolicyTests;
using Autopilot.Policy.Tests.Schema;

namespace Autopilot.Policy.Tests.DefaultPolicy;

/// <summary>
/// policies/examples/quickstarts-allowlist.policy.yaml says the claude-quickstarts autonomous-coding allowlist
/// (security.py) without predicates, and its test file keeps every case of that project's test_security.py.
/// (<see cref="ShippedPolicyTestFilesTests"/> runs the cases.)
/// </summary>
public sealed class QuickstartsAllowlistTests
{
    private static readonly string s_policy = RepositoryFiles.Path("policies", "examples", "quickstarts-allowlist.policy.yaml");
    private static readonly string s_tests = RepositoryFiles.Path("policies", "examples", "quickstarts-allowlist.policy.tests.yaml");

    [Fact]
    public void The_policy_uses_no_predicates()
    {
        var doc = PolicySource.Load(s_policy).Engine!.Plan;
        Assert.All(doc.Risks, r => Assert.Null(r.When));
        Assert.Equal(18, doc.Actions.Allowlist.Count);
    }

    [Fact]
    public void The_tests_keep_all_89_cases_of_test_security_py_and_the_chained_lines()
    {
        var loaded = PolicyTestLoader.Load(s_tests);
        Assert.Empty(loaded.Errors);
        string[] groups = ["extract:", "chmod:", "init:", "blocked:", "allowed:"];
        var spec = loaded.Cases.Where(c => groups.Any(g => c.Name.StartsWith(g, StringComparison.Ordinal))).ToArray();
        Assert.Equal(89, spec.Length);
        Assert.Equal([6, 14, 10, 24, 35], groups.Select(g => spec.Count(c => c.Name.StartsWith(g, StringComparison.Ordinal))));
        Assert.All(spec, c => Assert.Equal("command", c.Kind));

        foreach (var line in new[] { "pkill node; pkill bash", "chmod +x a && chmod 777 b" })
        {
            var chained = Assert.Single(loaded.Cases, c => c.Facts.GetValueOrDefault("command") == line);
            Assert.Equal("deny", chained.ExpectVerdict);
        }
    }

    [Theory]
    [InlineData("chmod 777 init.sh", "chmod is only allowed with a +x mode, got: 777")]
    [InlineData("chmod -R +x dir/", "chmod flags are not allowed, got: -R")]
    [InlineData("pkill node; pkill bash", "got: bash")]
    [InlineData("init.sh", "Only ./init.sh (a path to the project's script) is allowed, got: init.sh")]
    public void Denials_name_the_failing_value(string command, string reason)
    {
        var engine = PolicySource.Load(s_policy).Engine!;
        var decision = engine.Actions.Command(command, new ActionContext("/workspace", "/home/agent") { ResolveSymlinks = false }, "agent");
        Assert.Equal(Model.Verdict.Deny, decision.Verdict);
        Assert.Contains(decision.Findings, f => f.RuleId.StartsWith("QS-", StringComparison.Ordinal) && f.Message.Contains(reason, StringComparison.Ordinal));
    }
}
