namespace Autopilot.Changes.CSharp;

/// <summary>
/// One banned API as a policy lists it, in the BannedSymbols.txt id format (<c>T:System.Console</c>,
/// <c>M:System.IO.File.Delete(System.String)</c>, <c>P:</c>, <c>F:</c>, <c>E:</c>, <c>N:System.Reflection.Emit</c>),
/// optionally followed by <c>;message</c>, or as a plain qualified name (<c>System.Diagnostics.Process.Start</c>).
/// </summary>
/// <remarks>
/// Syntax matching compares names, not overloads: a method entry bans every overload of that name.
/// Value equality: by <see cref="Id"/> only.
/// </remarks>
internal sealed class BannedApiEntry : IEquatable<BannedApiEntry>
{
    private BannedApiEntry(string id, char kind, string[] segments, string? message)
    {
        Id = id;
        Kind = kind;
        Segments = segments;
        Message = message;
    }

    /// <summary>The entry as written, without its message.</summary>
    public string Id { get; }

    /// <summary>T, M, P, F, E, N, or '?' for a plain qualified name.</summary>
    public char Kind { get; }

    /// <summary>The qualified name split at dots, without arity marks and parameters.</summary>
    public IReadOnlyList<string> Segments { get; }

    public string? Message { get; }

    public bool IsNamespace => Kind == 'N';

    /// <summary>Reads one entry; null (and a reason) for an empty line, a comment or an unusable name.</summary>
    public static BannedApiEntry? Parse(string text, out string? error)
    {
        error = null;
        var line = text.Trim();
        if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith('#'))
        {
            return null;
        }

        string? message = null;
        var semicolon = line.IndexOf(';');
        if (semicolon >= 0)
        {
            message = line[(semicolon + 1)..].Trim();
            line = line[..semicolon].Trim();
        }

        var id = line;
        var kind = '?';
        if (line.Length > 2 && line[1] == ':' && "TMPFEN".Contains(line[0]))
        {
            kind = line[0];
            line = line[2..];
        }

        var paren = line.IndexOf('(');
        if (paren >= 0)
        {
            line = line[..paren];
        }

        var segments = line.Split('.', StringSplitOptions.TrimEntries)
            .Select(s => s.Split('`')[0])
            .Where(s => s.Length > 0 && s != "#ctor" && s != "#cctor")
            .ToArray();

        // "M:System.Net.WebClient.#ctor" bans constructing the type: match the type's name.
        if (segments.Length == 0 || segments.Any(s => !s.All(c => char.IsLetterOrDigit(c) || c == '_')))
        {
            error = $"'{text.Trim()}' is not a banned-API id (T:, M:, P:, F:, E:, N: followed by a qualified name) or a qualified name.";
            return null;
        }

        return new BannedApiEntry(id, kind, segments, string.IsNullOrEmpty(message) ? null : message);
    }

    public bool Equals(BannedApiEntry? other) => other is not null && other.Id == Id;

    public override bool Equals(object? obj) => Equals(obj as BannedApiEntry);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    public override string ToString() => Id;
}
