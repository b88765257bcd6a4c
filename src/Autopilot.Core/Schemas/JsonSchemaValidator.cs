using System.Collections.Concurrent;
using NJsonSchema;

namespace Autopilot.Core.Schemas;

/// <summary>A schema violation at a place in the validated text.</summary>
public sealed record SchemaError(string Path, int Line, int Column, string Message)
{
    public override string ToString() => $"{Path}:{Line}:{Column}: {Message}";
}

/// <summary>Validates JSON text against a JSON Schema (NJsonSchema, draft-07); schemas are parsed once and cached by text.</summary>
public sealed class JsonSchemaValidator
{
    private readonly ConcurrentDictionary<string, JsonSchema> _cache = new(StringComparer.Ordinal);

    public JsonSchema Load(string schemaJson) =>
        _cache.GetOrAdd(schemaJson, static text => JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult());

    public IReadOnlyList<SchemaError> Validate(string schemaJson, string json, string path)
    {
        JsonSchema schema;
        try
        {
            schema = Load(schemaJson);
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            return [new SchemaError(path, 1, 1, $"the schema itself is invalid: {ex.Message}")];
        }

        try
        {
            return schema.Validate(json)
                .Select(e => new SchemaError(path, Math.Max(1, e.LineNumber), Math.Max(1, e.LinePosition), $"{e.Kind} at {e.Path}"))
                .ToArray();
        }
        catch (Newtonsoft.Json.JsonReaderException ex)
        {
            return [new SchemaError(path, Math.Max(1, ex.LineNumber), Math.Max(1, ex.LinePosition), $"not valid JSON: {ex.Message}")];
        }
    }
}
