using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema.Validation;
using NJsonSchemaDocument = NJsonSchema.JsonSchema;

namespace Autopilot.Core.Schemas;

/// <summary>
/// A JSON Schema (draft-04/06/07 through NJsonSchema 11.6) loaded once and reused: validates JSON or
/// YAML text and answers errors located at the failing value (1-based line and column in the text).
/// Loading is cached by the SHA-256 of the schema text, so a policy that names the same schema for many
/// files or many runs pays for parsing once per process.
/// </summary>
/// <remarks>
/// NJsonSchema silently ignores some keywords: <c>const</c>, <c>if/then/else</c>, <c>contains</c>, <c>dependencies</c>
/// (and 2019-09's <c>dependentRequired</c>/<c>dependentSchemas</c>) and boolean sub-schemas are rewritten into
/// keywords it enforces (<see cref="SchemaRewriter"/>); the rest (<c>propertyNames</c> and later-draft keywords)
/// are listed in <see cref="UnsupportedKeywords"/>, so that callers can warn instead of passing silently.
/// Pass rates per keyword on the official JSON-Schema-Test-Suite: benchmarks/results/json-schema-suite.md. <c>$ref</c> to anything
/// but the schema itself (<c>#/...</c>) is refused: a schema must never make the gate read files or the network.
/// </remarks>
internal sealed class JsonSchemaValidator
{
    private const int CacheLimit = 512;

    private static readonly ConcurrentDictionary<string, Lazy<JsonSchemaValidator>> s_cache = new(StringComparer.Ordinal);

    private static readonly JsonLoadSettings s_loadSettings = new()
    {
        LineInfoHandling = LineInfoHandling.Load,
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        CommentHandling = CommentHandling.Ignore,
    };

    private readonly NJsonSchemaDocument _schema;

    private JsonSchemaValidator(NJsonSchemaDocument schema, string hash, IReadOnlyList<UnsupportedKeyword> unsupported)
    {
        _schema = schema;
        Hash = hash;
        UnsupportedKeywords = unsupported;
    }

    /// <summary>SHA-256 (hex) of the schema text: the cache key.</summary>
    public string Hash { get; }

    /// <summary>Keywords this schema uses that the validator does not enforce, in text order.</summary>
    public IReadOnlyList<UnsupportedKeyword> UnsupportedKeywords { get; }

    /// <summary>The validator for <paramref name="schemaText"/>, loaded on first use and cached by its hash.</summary>
    /// <exception cref="JsonSchemaLoadException">The text is not JSON, not a schema, or refers outside itself.</exception>
    public static JsonSchemaValidator FromText(string schemaText)
    {
        ArgumentNullException.ThrowIfNull(schemaText);
        var hash = Sha256Hex(schemaText);
        if (s_cache.TryGetValue(hash, out var cached))
        {
            return Resolve(hash, cached);
        }

        if (s_cache.Count >= CacheLimit)
        {
            // Policies name a handful of schemas; a full cache means something generates them. Start over.
            s_cache.Clear();
        }

        var lazy = s_cache.GetOrAdd(hash, h => new Lazy<JsonSchemaValidator>(() => Load(schemaText, h), LazyThreadSafetyMode.ExecutionAndPublication));
        return Resolve(hash, lazy);
    }

    /// <summary>Like <see cref="FromText"/>, but answers a located error instead of throwing.</summary>
    public static bool TryFromText(string schemaText, out JsonSchemaValidator? validator, out SchemaError? error)
    {
        try
        {
            validator = FromText(schemaText);
            error = null;
            return true;
        }
        catch (JsonSchemaLoadException e)
        {
            validator = null;
            error = new SchemaError("#", "InvalidSchema", e.Message, e.Line, e.Column);
            return false;
        }
    }

    /// <summary>Validates JSON text. Malformed JSON is one <c>InvalidJson</c> error at the place the reader stopped.</summary>
    public IReadOnlyList<SchemaError> Validate(string jsonText)
    {
        ArgumentNullException.ThrowIfNull(jsonText);
        JToken token;
        try
        {
            token = ParseJson(jsonText);
        }
        catch (JsonReaderException e)
        {
            return [new SchemaError(ErrorPath(e.Path), "InvalidJson", FirstSentence(e.Message), Math.Max(1, e.LineNumber), Math.Max(1, e.LinePosition))];
        }

        var positions = new JsonTextPositions(jsonText);
        return Collect(_schema.Validate(token), positions);
    }

    /// <summary>
    /// Validates YAML text: every document in it must satisfy the schema. Malformed YAML (or YAML that JSON
    /// cannot express, such as complex keys) is one <c>InvalidYaml</c> error at its place.
    /// </summary>
    public IReadOnlyList<SchemaError> ValidateYaml(string yamlText)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        var errors = new List<SchemaError>();
        try
        {
            foreach (var reader in YamlJsonReader.ReadDocuments(yamlText))
            {
                var token = JToken.ReadFrom(reader, s_loadSettings);
                errors.AddRange(Collect(_schema.Validate(token), positions: null));
            }
        }
        catch (YamlToJsonException e)
        {
            return [new SchemaError("#", "InvalidYaml", e.Message, Math.Max(1, e.Line), Math.Max(1, e.Column))];
        }
        catch (JsonReaderException e)
        {
            // Duplicate keys and the like, found while building the tree; the reader reports YAML positions.
            return [new SchemaError(ErrorPath(e.Path), "InvalidYaml", FirstSentence(e.Message), Math.Max(1, e.LineNumber), Math.Max(1, e.LinePosition))];
        }

        return errors;
    }

    /// <summary>Parses JSON the way <see cref="Validate(string)"/> does: line info kept, duplicate keys refused.</summary>
    /// <exception cref="JsonReaderException">The text is not JSON.</exception>
    public static JToken ParseJson(string jsonText)
    {
        using var reader = new JsonTextReader(new StringReader(jsonText))
        {
            DateParseHandling = DateParseHandling.None,
            MaxDepth = YamlJsonReader.MaxNesting,
        };
        var token = JToken.ReadFrom(reader, s_loadSettings);

        // Trailing content ("{} {}") is not one JSON document.
        while (reader.Read())
        {
            if (reader.TokenType != JsonToken.Comment)
            {
                throw new JsonReaderException($"Additional text found after the end of the JSON value. Path '', line {reader.LineNumber}, position {reader.LinePosition}.", "", reader.LineNumber, reader.LinePosition, null);
            }
        }

        return token;
    }

    private static JsonSchemaValidator Resolve(string hash, Lazy<JsonSchemaValidator> lazy)
    {
        try
        {
            return lazy.Value;
        }
        catch (JsonSchemaLoadException)
        {
            // Do not keep a failure cached: the caller fixes the file and tries again in the same process.
            s_cache.TryRemove(hash, out _);
            throw;
        }
    }

    private static JsonSchemaValidator Load(string schemaText, string hash)
    {
        JToken document;
        try
        {
            document = ParseJson(schemaText);
        }
        catch (JsonReaderException e)
        {
            throw new JsonSchemaLoadException($"The schema is not valid JSON: {FirstSentence(e.Message)}", Math.Max(1, e.LineNumber), Math.Max(1, e.LinePosition), e);
        }

        if (document is not (JObject or JValue { Type: JTokenType.Boolean }))
        {
            var info = (IJsonLineInfo)document;
            throw new JsonSchemaLoadException("A schema must be a JSON object (or true or false).", Math.Max(1, info.LineNumber), Math.Max(1, info.LinePosition));
        }

        var unsupported = new List<UnsupportedKeyword>();
        var externalRefs = new List<UnsupportedKeyword>();
        SchemaKeywordScanner.Scan(document, unsupported, externalRefs);
        var positions = new JsonTextPositions(schemaText);
        if (externalRefs.Count > 0)
        {
            var first = externalRefs[0];
            throw new JsonSchemaLoadException(
                $"$ref '{first.Keyword}' at {first.Pointer} points outside the schema; only local references (#/...) are followed.",
                first.Line,
                positions.StartColumn(first.Line, first.Column));
        }

        NJsonSchemaDocument schema;
        try
        {
            // Keywords NJsonSchema does not enforce are rewritten into ones it does, where that is exact.
            var loadText = SchemaRewriter.Rewrite(document)?.ToString(Formatting.None) ?? schemaText;
            schema = NJsonSchemaDocument.FromJsonAsync(loadText).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException or FormatException)
        {
            var (line, column) = e is JsonReaderException r ? (r.LineNumber, r.LinePosition)
                : e is JsonSerializationException s ? (s.LineNumber, s.LinePosition)
                : (1, 1);
            throw new JsonSchemaLoadException($"The schema cannot be loaded: {FirstSentence(e.Message)}", Math.Max(1, line), Math.Max(1, column), e);
        }

        var located = unsupported.Select(u => u with { Column = positions.StartColumn(u.Line, u.Column) }).ToList();
        return new JsonSchemaValidator(schema, hash, located);
    }

    private static List<SchemaError> Collect(ICollection<ValidationError> raw, JsonTextPositions? positions)
    {
        var errors = new List<SchemaError>();
        var pending = new Stack<ValidationError>(raw.Reverse());
        while (pending.Count > 0)
        {
            var error = pending.Pop();

            // An item or property that failed its sub-schema: its own errors say more than "item not valid".
            if (error is ChildSchemaValidationError child
                && error.Kind is ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid
                    or ValidationErrorKind.AdditionalPropertiesNotValid or ValidationErrorKind.NotAllOf)
            {
                foreach (var nested in child.Errors.SelectMany(e => e.Value).Reverse())
                {
                    pending.Push(nested);
                }

                continue;
            }

            var line = error.HasLineInfo ? error.LineNumber : 1;
            var column = error.HasLineInfo ? error.LinePosition : 1;
            if (positions is not null && error.HasLineInfo)
            {
                column = positions.StartColumn(line, column);
            }

            errors.Add(new SchemaError(error.Path ?? "#", error.Kind.ToString(), Describe(error), Math.Max(1, line), Math.Max(1, column)));
        }

        errors.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        return errors;
    }

    private static string Describe(ValidationError error)
    {
        var path = error.Path ?? "#";
        var schema = error.Schema;
        if (schema?.ExtensionData is { } extension && extension.TryGetValue(SchemaRewriter.Marker, out var rewritten) && rewritten is string keyword)
        {
            return keyword switch
            {
                "const" => $"{path}: not the constant {string.Join(", ", schema.Enumeration.Select(v => JsonConvert.SerializeObject(v)))}",
                "if" => $"{path}: does not satisfy the 'then' or 'else' its 'if' selects",
                "contains" => $"{path}: no item matches 'contains'",
                _ => $"{path}: a property's '{keyword}' is not satisfied",
            };
        }

        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"required property '{error.Property}' is missing ({path})",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"property '{error.Property}' is not allowed here ({path})",
            ValidationErrorKind.StringTooShort => $"{path}: string shorter than {schema?.MinLength}",
            ValidationErrorKind.StringTooLong => $"{path}: string longer than {schema?.MaxLength}",
            ValidationErrorKind.PatternMismatch => $"{path}: does not match pattern '{schema?.Pattern}'",
            ValidationErrorKind.NumberTooSmall => $"{path}: number below the minimum {schema?.Minimum ?? schema?.ExclusiveMinimum}",
            ValidationErrorKind.NumberTooBig => $"{path}: number above the maximum {schema?.Maximum ?? schema?.ExclusiveMaximum}",
            ValidationErrorKind.NotInEnumeration => $"{path}: not one of {string.Join(", ", schema?.Enumeration.Select(v => JsonConvert.SerializeObject(v)) ?? [])}",
            ValidationErrorKind.TooFewItems => $"{path}: fewer than {schema?.MinItems} items",
            ValidationErrorKind.TooManyItems => $"{path}: more than {schema?.MaxItems} items",
            _ => $"{path}: {Words(error.Kind.ToString())}",
        };
    }

    // "StringExpected" → "string expected".
    private static string Words(string kind)
    {
        var builder = new StringBuilder(kind.Length + 8);
        foreach (var c in kind)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static string ErrorPath(string? path) => string.IsNullOrEmpty(path) ? "#" : "#/" + path;

    // Newtonsoft appends "Path 'x', line 1, position 2." which the location already says.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    internal static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
