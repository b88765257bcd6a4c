using Autopilot.MSBuild.Gate;
using Autopilot.MSBuild.Tests.Infrastructure;

namespace Autopilot.MSBuild.Tests.Unit;

public sealed class GateDecisionTests
{
    [Fact]
    public void ReadsWhatTheRealToolPrints()
    {
        using var repo = new TempGitRepo();
        repo.Write("README.md", "# x\n");
        repo.Commit("initial");
        repo.Write("Keys.cs", "class Keys\n{\n    const string K = \"AKIAIOSFODNN7EXAMPLE\";\n}\n");

        var run = TestProcess.Run("dotnet", [TestProcess.CliDll, "gate", "--format", "json"], repo.Path);
        Assert.True(run.ExitCode == 2, run.ToString());

        var decision = GateDecision.Parse(run.StdOut);
        Assert.Equal("deny", decision.Verdict);
        var secret = Assert.Single(decision.Findings, f => f.RuleId == "AP-DIFF-SECRETS");
        Assert.Equal("deny", secret.Severity);
        Assert.Equal("Keys.cs", secret.Path);
        Assert.Equal(3, secret.Line);
        Assert.True(secret.Column > 1);
        Assert.Contains(decision.Findings, f => f.Path is null); // a finding about the change as a whole
    }

    [Fact]
    public void AFindingWithoutRuleIdOrAnOutputWithoutVerdictIsRefused()
    {
        Assert.Throws<FormatException>(() => GateDecision.Parse("""{ "findings": [] }"""));
        Assert.Throws<FormatException>(() => GateDecision.Parse("""{ "verdict": "allow", "findings": [{ "message": "x" }] }"""));
        Assert.Throws<FormatException>(() => GateDecision.Parse("""[1]"""));
    }

    [Theory]
    [InlineData("deny", false, "Error")]
    [InlineData("escalate", false, "Warning")]
    [InlineData("escalate", true, "Error")]
    [InlineData("warning", true, "Warning")]
    [InlineData("info", false, "Message")]
    [InlineData("forbid-everything", false, "Error")]
    public void SeveritiesMapToBuildKindsAndUnknownOnesFailClosed(string severity, bool escalateAsError, string expected) =>
        Assert.Equal(expected, FindingKinds.For(severity, escalateAsError).ToString());
}
