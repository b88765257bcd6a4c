using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Autopilot.Core.Schemas;

/// <summary>A keyword NJsonSchema would silently ignore, and where the schema uses it.</summary>
/// <remarks>Value equality over all members.</remarks>
internal sealed record UnsupportedKeyword(string Keyword, string Pointer, int Line, int Column)
{
    public override string ToString() => $"'{Keyword}' at {Pointer} ({Line},{Column})";
}

/// <summary>
/// Walks a schema document keyword by keyword (not blindly: a property called "const" under
/// <c>properties</c> is a name, not a keyword) to find what NJsonSchema 11.6 does not enforce and
/// references we refuse to follow.
/// </summary>
internal static class SchemaKeywordScanner
{
    // NJsonSchema 11.6.2 parses these without enforcing them, and SchemaRewriter has no exact rewrite for them
    // (measured on the JSON-Schema-Test-Suite: benchmarks/results/json-schema-suite.md). const, if/then/else,
    // contains, dependencies, dependentRequired and dependentSchemas are rewritten (SchemaRewriter.Handled).
    private static readonly HashSet<string> s_unsupported = new(StringComparer.Ordinal)
    {
        "propertyNames", "unevaluatedProperties", "unevaluatedItems",
        "prefixItems", "minContains", "maxContains", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$anchor",
    };

    // Keywords whose value is a map from names to sub-schemas.
    private static readonly HashSet<string> s_schemaMaps = new(StringComparer.Ordinal)
    {
        "properties", "patternProperties", "definitions", "$defs", "dependentSchemas",
    };

    // Keywords whose value is one sub-schema.
    private static readonly HashSet<string> s_schemaValues = new(StringComparer.Ordinal)
    {
        "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains",
        "propertyNames", "unevaluatedProperties", "unevaluatedItems",
    };

    // Keywords whose value is an array of sub-schemas.
    private static readonly HashSet<string> s_schemaArrays = new(StringComparer.Ordinal)
    {
        "allOf", "anyOf", "oneOf", "prefixItems",
    };

    public static void Scan(JToken schema, List<UnsupportedKeyword> unsupported, List<UnsupportedKeyword> externalRefs)
    {
        // Explicit stack: a hostile schema may nest deeper than the call stack likes.
        var stack = new Stack<(JToken Node, string Pointer)>();
        stack.Push((schema, "#"));
        while (stack.Count > 0)
        {
            var (node, pointer) = stack.Pop();
            if (node is not JObject obj)
            {
                continue;
            }

            foreach (var property in obj.Properties())
            {
                var name = property.Name;
                var here = pointer + "/" + name;
                if (s_unsupported.Contains(name))
                {
                    unsupported.Add(At(name, here, property));
                }

                if (name == "$ref" && property.Value is JValue { Type: JTokenType.String } reference
                    && !((string)reference!).StartsWith('#'))
                {
                    externalRefs.Add(At((string)reference!, here, property));
                }
                else if (name == "items")
                {
                    if (property.Value is JArray tuple)
                    {
                        for (var i = 0; i < tuple.Count; i++)
                        {
                            stack.Push((tuple[i], here + "/" + i));
                        }
                    }
                    else
                    {
                        stack.Push((property.Value, here));
                    }
                }
                else if (s_schemaValues.Contains(name))
                {
                    stack.Push((property.Value, here));
                }
                else if (s_schemaArrays.Contains(name) && property.Value is JArray array)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        stack.Push((array[i], here + "/" + i));
                    }
                }
                else if ((s_schemaMaps.Contains(name) || name == "dependencies") && property.Value is JObject map)
                {
                    foreach (var entry in map.Properties())
                    {
                        stack.Push((entry.Value, here + "/" + entry.Name));
                    }
                }
            }
        }

        unsupported.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
    }

    private static UnsupportedKeyword At(string keyword, string pointer, JProperty property)
    {
        var info = (IJsonLineInfo)property;
        return info.HasLineInfo()
            ? new UnsupportedKeyword(keyword, pointer, info.LineNumber, info.LinePosition)
            : new UnsupportedKeyword(keyword, pointer, 1, 1);
    }
}
