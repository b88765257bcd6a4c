using System.CommandLine;
using System.Text.Json;
using Autopilot.Changes.WorkOrders;
using Autopilot.Core.Policies;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Layers;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot policy effective [--work-order FILE]`: the merged policy (base layers, the repository's overlay and a
/// work order, docs/policy-lifecycle.md) with the origin of every rule: its layer, file and line.
/// </summary>
internal static class PolicyEffectiveCommand
{
    private sealed record Row(string Kind, string Id, string Summary, string Layer, SourceLocation? Location);

    public static Command Create()
    {
        var workOrder = new Option<string?>("--work-order") { Description = "A work order to apply as the lowest layer (it may only tighten)." };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("effective", "Print the merged policy (base, overlay, work order) with the layer, file and line of every rule.") { workOrder, policy, format, repo };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var doc = engine.Plan.Source;
            var layers = doc.Layers.Count > 0 ? doc.Layers.ToList() : [new PolicyLayerInfo(PolicyLayers.RepositoryLayer, doc.SourcePath, doc.Hash)];
            WorkOrder? order = null;
            if (result.GetValue(workOrder) is { } orderPath)
            {
                try
                {
                    order = WorkOrderLoader.Load(orderPath);
                }
                catch (WorkOrderException ex)
                {
                    Console.Error.WriteLine(ex.Message);
                    return (int)ExitCode.BadInput;
                }

                var loosenings = WorkOrderLayer.Check(order, File.ReadAllText(orderPath), doc);
                foreach (var problem in loosenings)
                {
                    Console.Error.WriteLine(problem);
                }

                if (loosenings.Count > 0)
                {
                    return (int)ExitCode.BadInput;
                }

                layers.Add(new PolicyLayerInfo("work-order", orderPath, Sha256(orderPath)));
            }

            var rows = Rows(doc, layers);
            if (result.GetValue(format) == "json")
            {
                WriteJson(doc, layers, rows, order);
            }
            else
            {
                WriteText(doc, layers, rows, order);
            }

            return (int)ExitCode.Allow;
        });
        return command;
    }

    private static string Sha256(string path) => Autopilot.Policy.Loading.PolicyLoader.Sha256Hex(File.ReadAllBytes(path));

    /// <summary>The layer a place belongs to: the one whose file it is in (a layer's source is its file).</summary>
    private static string LayerOf(SourceLocation? at, IReadOnlyList<PolicyLayerInfo> layers, string fallback) =>
        at is null ? "built-in" : layers.LastOrDefault(l => SamePath(l.Source, at.Path))?.Name ?? fallback;

    private static bool SamePath(string a, string b) =>
        a == b || (!a.Contains(':') && !b.Contains(':') && string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal));

    private static List<Row> Rows(PolicyDocument doc, IReadOnlyList<PolicyLayerInfo> layers)
    {
        var last = layers[^1].Name;
        string Layer(string id, SourceLocation? at)
        {
            var defined = LayerOf(at, layers, last);
            return doc.RuleLayers.TryGetValue(id, out var tightened) && tightened != defined ? $"{defined}, tightened by {tightened}" : defined;
        }

        var rows = new List<Row>();
        rows.AddRange(doc.Autonomy.Levels.Select(l => new Row("autonomy", l.Id, $"alone up to {l.AllowUpTo.Value}, with a human up to {l.EscalateUpTo.Value}", LayerOf(l.Location, layers, last), l.Location)));
        rows.AddRange(doc.Risks.Select(r => new Row("risk", r.Id, r.Risk.Value, Layer(r.Id, r.Location), r.Location)));
        rows.AddRange(doc.Escalation.Select(e => new Row("escalation", e.Id, e.Severity.ToWire(), Layer(e.Id, e.Location), e.Location)));
        rows.AddRange(doc.Diff.Select(d => new Row("diff", d.Id, $"{d.Kind} {d.Severity.ToWire()}", Layer(d.Id, d.Location), d.Location)));
        rows.AddRange(doc.Exceptions.Select(e => new Row("exception", e.Id,
            $"waives {e.Rule.Value}, owner {e.Owner}, until {e.Expires:yyyy-MM-dd}", Layer(e.Id, e.Location), e.Location)));
        return rows;
    }

    private static void WriteText(PolicyDocument doc, IReadOnlyList<PolicyLayerInfo> layers, List<Row> rows, WorkOrder? order)
    {
        var output = Console.Out;
        output.WriteLine($"effective policy {doc.Hash}");
        output.WriteLine("layers, most general first:");
        for (var i = 0; i < layers.Count; i++)
        {
            output.WriteLine($"  {i + 1}. {layers[i].Name}  {layers[i].Source}  sha256:{layers[i].Hash}");
        }

        foreach (var group in rows.GroupBy(r => r.Kind))
        {
            output.WriteLine($"{group.Key}:");
            foreach (var row in group)
            {
                output.WriteLine($"  {row.Id}  {row.Summary}  [{row.Layer}] {PolicyLayerMerge.Where(row.Location)}");
            }
        }

        if (order is not null)
        {
            output.WriteLine($"work order {order.TaskId}  [work-order] {order.SourcePath}");
            output.WriteLine($"  allowed paths: {string.Join(", ", order.AllowedPaths)}");
            output.WriteLine($"  caps: files {order.Caps.MaxFiles?.ToString() ?? "(policy)"}, lines {order.Caps.MaxLines?.ToString() ?? "(policy)"}, lines per file {order.Caps.MaxLinesPerFile?.ToString() ?? "(policy)"}");
            output.WriteLine($"  autonomy: {order.Autonomy ?? "(policy default)"}");
        }
    }

    private static void WriteJson(PolicyDocument doc, IReadOnlyList<PolicyLayerInfo> layers, List<Row> rows, WorkOrder? order)
    {
        using var stream = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("policyHash", doc.Hash);
        w.WriteStartArray("layers");
        foreach (var layer in layers)
        {
            w.WriteStartObject();
            w.WriteString("name", layer.Name);
            w.WriteString("source", layer.Source);
            w.WriteString("sha256", layer.Hash);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("rules");
        foreach (var row in rows)
        {
            w.WriteStartObject();
            w.WriteString("kind", row.Kind);
            w.WriteString("id", row.Id);
            w.WriteString("summary", row.Summary);
            w.WriteString("layer", row.Layer);
            if (row.Location is { } at)
            {
                w.WriteString("path", at.Path);
                w.WriteNumber("line", at.Line);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (order is not null)
        {
            w.WriteStartObject("workOrder");
            w.WriteString("task", order.TaskId);
            w.WriteString("path", order.SourcePath);
            w.WriteStartArray("allowedPaths");
            foreach (var path in order.AllowedPaths)
            {
                w.WriteStringValue(path);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
