using Autopilot.Core.Decisions;
using Autopilot.Core.PolicyTests;
using Autopilot.Core.Policies;
using Autopilot.Core.Tools;

namespace Autopilot.Cli.Commands;

/// <summary>Answers the policy-test cases about actions (tools, and commands and paths where supported).</summary>
internal static class ActionQuestions
{
    public static Func<PolicyTestCase, Decision?> ForPolicyTests(PolicyEngine engine) => test => test.Kind switch
    {
        "tool" => new ToolGuard(engine).Check(test.Facts["phase"], test.Facts["name"]),
        _ => null,
    };
}
