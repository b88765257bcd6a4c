using Autopilot.Core.Actions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

/// <summary>The default policy's risk rules, action settings and packs, for classifier tests.</summary>
internal static class TestRiskRules
{
    public static readonly IReadOnlyList<string> Levels = PolicyDocument.DefaultRiskLevels;

    // The rules, settings and packs the product ships: the command table tests the default policy itself, not a copy.
    // lint: true reads the packs' YAML (a plain load leaves them to the compiled resolver), so the interpreter is tested here.
    private static readonly Autopilot.Policy.Plan.PolicyPlan s_plan = Autopilot.Core.Policies.PolicySource.Load(null, lint: true).Engine!.Plan;

    public static IReadOnlyList<RiskRuleDef> Rules => s_plan.Risks;

    /// <summary>The default policy's action settings (effects mode, its protected, secret and temp paths).</summary>
    public static ActionSettings Actions => s_plan.Actions;

    public static readonly IReadOnlyList<string> ProtectedGlobs =
        [.. s_plan.ProtectedPaths];

    public static ActionClassifier Classifier(ActionSettings? actions = null, ToolSettings? tools = null, IReadOnlyList<PhaseDef>? phases = null) =>
        new(Rules, actions ?? Actions, Levels, ProtectedGlobs, tools, phases, s_plan.Packs);

    /// <summary>A context with a workspace and home that need not exist (no symlinks to resolve).</summary>
    public static ActionContext Context { get; } = new("/work/repo", "/home/agent") { ResolveSymlinks = false };
}
