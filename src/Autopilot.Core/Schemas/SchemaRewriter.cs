using Newtonsoft.Json.Linq;

namespace Autopilot.Core.Schemas;

/// <summary>
/// Rewrites the keywords NJsonSchema parses but does not enforce into equivalent ones it does, before the schema is
/// loaded (our own code, where the rewrite is exact and cheap):
/// <list type="bullet">
/// <item><c>const: X</c> → <c>enum: [X]</c></item>
/// <item><c>if: I, then: T, else: E</c> → <c>anyOf: [{allOf: [I, T]}, {allOf: [{not: I}, E]}]</c> (a missing branch is <c>{}</c>)</item>
/// <item><c>contains: S</c> (without <c>minContains</c>/<c>maxContains</c>) → <c>anyOf: [{not: {type: array}}, {not: {items: {not: S}}}]</c></item>
/// <item><c>dependencies</c>, <c>dependentRequired</c>, <c>dependentSchemas</c>: per property <c>k</c>,
///   <c>anyOf: [{not: {required: [k]}}, {required: [...]} or S]</c></item>
/// <item>boolean schemas: <c>true</c> → <c>{}</c>, <c>false</c> → <c>{not: {}}</c></item>
/// </list>
/// Each added condition is appended to the object's <c>allOf</c> and marked with <see cref="Marker"/> (what it came
/// from), so that errors can name the original keyword. Objects with a <c>$ref</c> are left alone: draft-07 ignores
/// the keywords beside it. <c>propertyNames</c>, <c>unevaluated*</c>, <c>prefixItems</c> and the dynamic references
/// have no such rewrite and stay warned (<see cref="SchemaKeywordScanner"/>).
/// </summary>
internal static class SchemaRewriter
{
    /// <summary>The extension keyword that marks a rewritten part with the keyword it enforces.</summary>
    public const string Marker = "x-autopilot-keyword";

    /// <summary>Keywords this rewriter enforces.</summary>
    public static readonly IReadOnlySet<string> Handled = new HashSet<string>(StringComparer.Ordinal)
    {
        "const", "if", "then", "else", "contains", "dependencies", "dependentRequired", "dependentSchemas",
    };

    /// <summary>A rewritten copy of <paramref name="schema"/>, or null when nothing needs rewriting.</summary>
    public static JToken? Rewrite(JToken schema)
    {
        var copy = Schema(schema.DeepClone());
        return JToken.DeepEquals(copy, schema) ? null : copy;
    }

    /// <summary>Rewrites one schema position (an object, or a boolean schema) and everything under it.</summary>
    private static JToken Schema(JToken node)
    {
        if (node.Type == JTokenType.Boolean)
        {
            return node.Value<bool>() ? new JObject() : new JObject { ["not"] = new JObject() };
        }

        if (node is not JObject obj)
        {
            return node;
        }

        foreach (var property in obj.Properties().ToList())
        {
            var value = property.Value;
            property.Value = property.Name switch
            {
                "items" or "prefixItems" or "allOf" or "anyOf" or "oneOf" when value is JArray list => new JArray(list.Select(Schema)),
                "items" or "not" or "if" or "then" or "else" or "contains" or "propertyNames" => Schema(value),

                // NJsonSchema reads true/false here itself (and names the error better): only objects are walked.
                "additionalItems" or "additionalProperties" or "unevaluatedItems" or "unevaluatedProperties" when value is JObject => Schema(value),
                "properties" or "patternProperties" or "definitions" or "$defs" or "dependentSchemas" when value is JObject map => Map(map),
                "dependencies" when value is JObject map => new JObject(map.Properties().Select(p => new JProperty(p.Name, p.Value is JArray ? p.Value : Schema(p.Value)))),
                _ => value,
            };
        }

        if (obj.ContainsKey("$ref"))
        {
            return obj;
        }

        var added = new List<JObject>();
        if (obj.Property("const") is { } constant)
        {
            constant.Remove();
            added.Add(Marked("const", new JObject { ["enum"] = new JArray(constant.Value) }));
        }

        RewriteCondition(obj, added);
        RewriteContains(obj, added);
        RewriteDependencies(obj, added);
        if (added.Count > 0)
        {
            var allOf = obj["allOf"] as JArray ?? [];
            foreach (var condition in added)
            {
                allOf.Add(condition);
            }

            obj["allOf"] = allOf;
        }

        return obj;
    }

    private static JObject Map(JObject map) => new(map.Properties().Select(p => new JProperty(p.Name, Schema(p.Value))));

    private static void RewriteCondition(JObject obj, List<JObject> added)
    {
        var condition = obj.Property("if");
        var then = obj.Property("then");
        var otherwise = obj.Property("else");
        condition?.Remove();
        then?.Remove();
        otherwise?.Remove();
        if (condition is null)
        {
            // then/else without if have no effect.
            return;
        }

        added.Add(Marked("if", new JObject
        {
            ["anyOf"] = new JArray(
                new JObject { ["allOf"] = new JArray(condition.Value.DeepClone(), then?.Value ?? new JObject()) },
                new JObject { ["allOf"] = new JArray(new JObject { ["not"] = condition.Value }, otherwise?.Value ?? new JObject()) }),
        }));
    }

    private static void RewriteContains(JObject obj, List<JObject> added)
    {
        if (obj.Property("contains") is not { } contains || obj.ContainsKey("minContains") || obj.ContainsKey("maxContains"))
        {
            return;
        }

        contains.Remove();
        added.Add(Marked("contains", new JObject
        {
            ["anyOf"] = new JArray(
                new JObject { ["not"] = new JObject { ["type"] = "array" } },
                new JObject { ["not"] = new JObject { ["items"] = new JObject { ["not"] = contains.Value } } }),
        }));
    }

    private static void RewriteDependencies(JObject obj, List<JObject> added)
    {
        foreach (var keyword in new[] { "dependencies", "dependentRequired", "dependentSchemas" })
        {
            if (obj.Property(keyword) is not { Value: JObject map } property)
            {
                continue;
            }

            property.Remove();
            foreach (var dependency in map.Properties())
            {
                var then = dependency.Value is JArray names ? new JObject { ["required"] = names } : dependency.Value;
                added.Add(Marked(keyword, new JObject
                {
                    ["anyOf"] = new JArray(
                        new JObject { ["not"] = new JObject { ["type"] = "object" } },
                        new JObject { ["not"] = new JObject { ["required"] = new JArray(dependency.Name) } },
                        then),
                }));
            }
        }
    }

    private static JObject Marked(string keyword, JObject schema)
    {
        schema[Marker] = keyword;
        return schema;
    }
}
