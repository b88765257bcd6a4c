using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Autopilot.Policy.Loading;
using NJsonSchema;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Tests.Schema;

/// <summary>
/// The bridges the schema tests need: policy YAML → JSON (the way editors see it, through
/// <see cref="YamlJson"/>), JSON → block YAML (so that one document can go both to the schema and to the loader),
/// and the policy schema loaded once.
/// </summary>
internal static class PolicyJson
{
    private static readonly Lazy<JsonSchema> s_schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(SchemaPath)).GetAwaiter().GetResult());

    public static string SchemaPath => RepositoryFiles.Path("policies", "schema", "policy.schema.json");

    public static JsonSchema Schema => s_schema.Value;

    public static JsonObject SchemaNode => (JsonObject)JsonNode.Parse(File.ReadAllText(SchemaPath))!;

    public static string YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return YamlJson.ToJson(stream.Documents[0].RootNode);
    }

    /// <summary>Schema errors as "Kind at Path" lines, nested errors of anyOf/oneOf included.</summary>
    public static IReadOnlyList<string> Validate(string json) =>
        Schema.Validate(json).SelectMany(Flatten).ToArray();

    private static IEnumerable<string> Flatten(NJsonSchema.Validation.ValidationError error)
    {
        yield return $"{error.Kind} at {error.Path} (line {error.LineNumber})";
        if (error is NJsonSchema.Validation.ChildSchemaValidationError child)
        {
            foreach (var nested in child.Errors.SelectMany(e => e.Value).SelectMany(Flatten))
            {
                yield return "  " + nested;
            }
        }
    }

    /// <summary>Block-style YAML for a JSON tree: strings quoted, numbers and booleans plain, null as an empty value.</summary>
    public static string ToYaml(JsonNode? node)
    {
        var builder = new StringBuilder();
        if (node is JsonObject or JsonArray)
        {
            WriteBlock(node, 0, builder);
        }
        else
        {
            builder.Append(Scalar(node)).Append('\n');
        }

        return builder.ToString();
    }

    private static void WriteBlock(JsonNode node, int indent, StringBuilder builder)
    {
        var pad = new string(' ', indent);
        if (node is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                builder.Append(pad).Append(Quote(key)).Append(':');
                WriteValue(value, indent, builder);
            }
        }
        else if (node is JsonArray list)
        {
            foreach (var item in list)
            {
                builder.Append(pad).Append('-');
                WriteValue(item, indent, builder);
            }
        }
    }

    private static void WriteValue(JsonNode? value, int indent, StringBuilder builder)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                builder.Append(" {}\n");
                break;
            case JsonArray { Count: 0 }:
                builder.Append(" []\n");
                break;
            case JsonObject or JsonArray:
                builder.Append('\n');
                WriteBlock(value, indent + 2, builder);
                break;
            default:
                var text = Scalar(value);
                builder.Append(text.Length == 0 ? "\n" : " " + text + "\n");
                break;
        }
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => Quote(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    // A JSON string literal is a valid double-quoted YAML scalar.
    private static string Quote(string text) => JsonValue.Create(text).ToJsonString();
}
