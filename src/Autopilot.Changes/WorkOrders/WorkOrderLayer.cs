using Autopilot.Core.Schemas;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Layers;
using Autopilot.Policy.Model;
using Newtonsoft.Json.Linq;

namespace Autopilot.Changes.WorkOrders;

/// <summary>
/// A work order as the lowest layer of the effective policy (docs/policy-lifecycle.md, "Layers"): it may only tighten.
/// Its caps may not exceed the policy's max-files and max-lines rules, and the autonomy level it sets may not be more
/// autonomous than the policy's default. Each loosening is an <c>AP1121</c> error at the work order's key that names
/// the policy rule's place too.
/// </summary>
public static class WorkOrderLayer
{
    public static IReadOnlyList<PolicyDiagnostic> Check(WorkOrder order, string text, PolicyDocument policy)
    {
        var problems = new List<PolicyDiagnostic>();
        var root = JsonSchemaValidator.ParseJson(text) as JObject;
        SourceLocation At(string key) =>
            (root?["caps"] as JObject)?.Property(key) is { } capsKey ? WorkOrderLoader.At(order.SourcePath, capsKey)
            : root?.Property(key) is { } topKey ? WorkOrderLoader.At(order.SourcePath, topKey)
            : new SourceLocation(order.SourcePath, 1, 1);

        void Cap(int? given, string key, string kind, Func<DiffRuleDef, int?> limit)
        {
            if (given is not { } value)
            {
                return;
            }

            foreach (var rule in policy.Diff.Where(r => r.Kind == kind && r.Severity >= Severity.Escalate && limit(r) is { } max && value > max))
            {
                problems.Add(new PolicyDiagnostic(PolicyDiagnosticIds.LayerLoosens, DiagnosticSeverity.Error,
                    $"Work order caps.{key} {value} at {PolicyLayerMerge.Where(At(key))} is above {limit(rule)} of the policy's rule '{rule.Id}' at {PolicyLayerMerge.Where(rule.Location)}: a work order may only tighten.", At(key)));
            }
        }

        Cap(order.Caps.MaxFiles, "maxFiles", "max-files", r => r.Max);
        Cap(order.Caps.MaxLines, "maxLines", "max-lines", r => r.Max);
        Cap(order.Caps.MaxLinesPerFile, "maxLinesPerFile", "max-lines", r => r.MaxPerFile);

        var levels = policy.Autonomy.Levels.Select(l => l.Id).ToList();
        if (order.Autonomy is { } level && levels.IndexOf(level) > levels.IndexOf(policy.Autonomy.Default))
        {
            var defaultLevel = policy.Autonomy.Levels.FirstOrDefault(l => l.Id == policy.Autonomy.Default);
            problems.Add(new PolicyDiagnostic(PolicyDiagnosticIds.LayerLoosens, DiagnosticSeverity.Error,
                $"Work order autonomy '{level}' at {PolicyLayerMerge.Where(At("autonomy"))} is more autonomous than the policy's default '{policy.Autonomy.Default}' at {PolicyLayerMerge.Where(defaultLevel?.Location)}: a work order may only tighten.", At("autonomy")));
        }

        return problems;
    }
}
