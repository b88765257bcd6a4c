using Autopilot.Core.Policies;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Tests.Engine;

/// <summary>Compiled policies for engine tests, and temporary evidence folders on real disk.</summary>
internal static class EngineFixture
{
    private static readonly Lazy<PolicyEngine> s_default = new(() => Compile(PolicySource.BuiltInDefaultText()));

    public static PolicyEngine Default => s_default.Value;

    public static PolicyEngine Compile(string yaml)
    {
        var result = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, "/t/test.policy.yaml"), PolicySource.RuntimeChecks);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return new PolicyEngine(result.Plan!);
    }
}
