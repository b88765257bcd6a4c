namespace Autopilot.Core.Schemas;

/// <summary>
/// One reason a document does not satisfy a schema (or could not be read at all), located at the
/// failing value: 1-based line and column in the validated text.
/// </summary>
/// <remarks>Value equality over all members.</remarks>
/// <param name="Path">JSON path of the failing value (<c>#/files[1]</c>); <c>#</c> for the document itself.</param>
/// <param name="Kind">What failed, as NJsonSchema names it (<c>StringTooShort</c>) or <c>InvalidJson</c> / <c>InvalidYaml</c>.</param>
internal sealed record SchemaError(string Path, string Kind, string Message, int Line, int Column)
{
    public override string ToString() => $"({Line},{Column}) {Path}: {Message}";
}

/// <summary>A schema text that cannot be used: malformed JSON, not a schema, or a reference we refuse to follow.</summary>
internal sealed class JsonSchemaLoadException : Exception
{
    public JsonSchemaLoadException(string message, int line, int column, Exception? inner = null)
        : base(message, inner)
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line in the schema text (1 when unknown).</summary>
    public int Line { get; }

    /// <summary>1-based column in the schema text (1 when unknown).</summary>
    public int Column { get; }
}
