using System.Reflection;
using Autopilot.Changes.CSharp;
using Autopilot.Core.Schemas;
using Autopilot.Policy.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Autopilot.Changes.WorkOrders;

/// <summary>
/// Reads work orders: JSON validated against the schema that ships in this assembly
/// (<c>policies/schema/workorder.schema.json</c>), then checked for what a schema cannot say (base-hash
/// paths inside the repository and inside the allowed paths). Every error names file:line:column.
/// </summary>
public static class WorkOrderLoader
{
    public const string SchemaResourceName = "Autopilot.Changes.WorkOrders.workorder.schema.json";

    private static readonly Lazy<string> s_schemaText = new(() =>
    {
        using var stream = typeof(WorkOrderLoader).Assembly.GetManifestResourceStream(SchemaResourceName)
            ?? throw new InvalidOperationException($"Resource {SchemaResourceName} is missing from {typeof(WorkOrderLoader).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The work-order JSON Schema (draft-07) as shipped.</summary>
    public static string SchemaText => s_schemaText.Value;

    /// <summary>Reads the work order at <paramref name="path"/>.</summary>
    /// <exception cref="WorkOrderException">The file is missing, unreadable, malformed or invalid.</exception>
    public static WorkOrder Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new WorkOrderException([new WorkOrderError($"The work order cannot be read: {e.Message}", new SourceLocation(path, 1, 1))]);
        }

        return Parse(text, path);
    }

    /// <summary>Reads a work order from its text; <paramref name="sourcePath"/> names it in errors.</summary>
    /// <exception cref="WorkOrderException">The text is malformed or invalid.</exception>
    public static WorkOrder Parse(string text, string sourcePath = "<work order>")
    {
        var result = TryParse(text, sourcePath, out var errors);
        return result ?? throw new WorkOrderException(errors);
    }

    /// <summary>Like <see cref="Parse"/>, but answers the errors instead of throwing; null when there are any.</summary>
    public static WorkOrder? TryParse(string text, string sourcePath, out IReadOnlyList<WorkOrderError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        var validator = JsonSchemaValidator.FromText(SchemaText);
        var schemaErrors = validator.Validate(text);
        if (schemaErrors.Count > 0)
        {
            errors = schemaErrors.Select(e => new WorkOrderError(e.Message, new SourceLocation(sourcePath, e.Line, e.Column))).ToList();
            return null;
        }

        // The schema passed, so the text is one well-formed JSON object with the expected shapes.
        var root = (JObject)JsonSchemaValidator.ParseJson(text);
        var order = new WorkOrder
        {
            TaskId = (string)root["taskId"]!,
            Description = (string?)root["description"],
            AllowedPaths = Strings(root["allowedPaths"]),
            Symbols = Strings(root["symbols"]),
            BaseHashes = (root["baseHashes"] as JObject)?.Properties().ToDictionary(p => p.Name, p => ((string)p.Value!).ToLowerInvariant(), StringComparer.Ordinal)
                ?? new Dictionary<string, string>(StringComparer.Ordinal),
            Caps = root["caps"] is JObject caps
                ? new WorkOrderCaps((int?)caps["maxFiles"], (int?)caps["maxLines"], (int?)caps["maxLinesPerFile"])
                : new WorkOrderCaps(),
            Autonomy = (string?)root["autonomy"],
            RequiredEvidence = Strings(root["requiredEvidence"]),
            RollbackNote = (string?)root["rollbackNote"],
            SourcePath = sourcePath,
        };

        var problems = new List<WorkOrderError>();
        if (root["baseHashes"] is JObject hashes)
        {
            foreach (var property in hashes.Properties())
            {
                var path = property.Name;
                var at = At(sourcePath, property);
                if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\') || (path.Length > 1 && path[1] == ':')
                    || path.Split('/').Any(segment => segment is ".." or "."))
                {
                    problems.Add(new WorkOrderError($"Base-hash path '{path}' must be relative to the repository, with '/' and no '.' or '..' segments.", at));
                }
                else if (!PathGlob.IsMatchAny(order.AllowedPaths, path))
                {
                    problems.Add(new WorkOrderError($"Base hash given for '{path}', which allowedPaths does not cover.", at));
                }
            }
        }

        foreach (var glob in order.AllowedPaths.Select((g, i) => (g, i)).Where(x => x.g.Split('/').Contains("..")))
        {
            problems.Add(new WorkOrderError($"Allowed path '{glob.g}' climbs out with '..'.", At(sourcePath, root["allowedPaths"]![glob.i]!)));
        }

        errors = problems;
        return problems.Count == 0 ? order : null;
    }

    private static IReadOnlyList<string> Strings(JToken? token) =>
        token is JArray array ? array.Select(t => (string)t!).ToList() : [];

    internal static SourceLocation At(string sourcePath, JToken token)
    {
        // Newtonsoft marks the end of a token (the colon after a name, a string's closing quote); point at its start.
        var info = (IJsonLineInfo)token;
        if (!info.HasLineInfo())
        {
            return new SourceLocation(sourcePath, 1, 1);
        }

        var column = token switch
        {
            JProperty property => info.LinePosition - property.Name.Length - 2,
            JValue { Type: JTokenType.String } value => info.LinePosition - ((string)value!).Length - 1,
            _ => info.LinePosition,
        };
        return new SourceLocation(sourcePath, info.LineNumber, Math.Max(1, column));
    }
}
