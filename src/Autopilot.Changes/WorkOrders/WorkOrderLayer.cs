using Autopilot.Core.Schemas;
using Autopilot.Core.WorkOrders;
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

        problems.AddRange(CheckReferences(order, root, policy));
        return problems;
    }

    /// <summary>
    /// The names a work order uses must be the policy's: its autonomy level, its required evidence ids and the phases
    /// they are scoped to (<c>"phase:id"</c>). Each unknown name is an <c>AP1102</c> error at the work order's value.
    /// </summary>
    private static IEnumerable<PolicyDiagnostic> CheckReferences(WorkOrder order, JObject? root, PolicyDocument policy)
    {
        SourceLocation At(JToken? token) => token is null ? new SourceLocation(order.SourcePath, 1, 1) : WorkOrderLoader.At(order.SourcePath, token);

        if (order.Autonomy is { } level && !policy.Autonomy.Levels.Any(l => l.Id == level))
        {
            yield return Unknown($"Work order autonomy '{level}' is not an autonomy level of the policy ({string.Join(", ", policy.Autonomy.Levels.Select(l => l.Id))}).", At(root?["autonomy"]));
        }

        for (var i = 0; i < order.RequiredEvidence.Count; i++)
        {
            var entry = WorkOrderEvidence.Parse(order.RequiredEvidence[i]);
            var at = At(root?["requiredEvidence"]?[i]);
            if (!policy.Evidence.Items.Any(e => e.Id == entry.Id))
            {
                yield return Unknown($"Required evidence '{entry.Id}' is not an evidence item of the policy ({string.Join(", ", policy.Evidence.Items.Select(e => e.Id))}).", at);
            }

            if (entry.Phase is { } phase && !policy.Phases.Any(p => p.Id == phase))
            {
                yield return Unknown($"Required evidence '{order.RequiredEvidence[i]}' names phase '{phase}', which the policy does not define ({string.Join(", ", policy.Phases.Select(p => p.Id))}).", at);
            }
        }
    }

    private static PolicyDiagnostic Unknown(string message, SourceLocation at) =>
        new(PolicyDiagnosticIds.UnknownReference, DiagnosticSeverity.Error, message, at);
}
