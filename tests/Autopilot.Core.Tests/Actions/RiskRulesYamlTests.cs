using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

/// <summary>The default policy's risk rules cover the required risk classes, each id once.</summary>
public sealed class RiskRulesYamlTests
{
    [Fact]
    public void RuleSetCoversTheRequiredRiskClasses()
    {
        var ids = TestRiskRules.Rules.Select(r => r.Id).ToHashSet();
        Assert.Equal(TestRiskRules.Rules.Count, ids.Count);
        Assert.True(ids.Count >= 15);
        foreach (var id in new[]
        {
            "AP-RISK-RM-ROOT", "AP-EFFECT-VCS-FORCE-PUSH", "AP-EFFECT-VCS-DISCARD", "AP-RISK-GIT-FILTER", "AP-RISK-PIPE-TO-SHELL",
            "AP-EFFECT-PRIVILEGE", "AP-RISK-DD-DEVICE", "AP-RISK-MKFS", "AP-RISK-FORK-BOMB", "AP-RISK-CHMOD-WORLD", "AP-EFFECT-SECRET-FILE",
            "AP-EFFECT-SECRET-READ", "AP-RISK-EXFIL-CURL-FILE", "AP-RISK-NET-TOOLS", "AP-EFFECT-PUBLISH", "AP-RISK-DB-DROP", "AP-RISK-DB-MIGRATE",
            "AP-RISK-CI-EDIT", "AP-RISK-POLICY-EDIT", "AP-EFFECT-KILL", "AP-EFFECT-REMOTE-DESTROY", "AP-EFFECT-DELETE-UNKNOWN",
            "AP-EFFECT-EXEC-UNSEEN", "AP-EFFECT-PERSIST", "AP-EFFECT-CONFIG-GLOBAL", "AP-EFFECT-UPLOAD",
        })
        {
            Assert.Contains(id, ids);
        }
    }
}
