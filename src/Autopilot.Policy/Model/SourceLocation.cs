namespace Autopilot.Policy.Model;

/// <summary>A place in a text file: 1-based line and column, as editors and compilers print them.</summary>
/// <remarks>Value equality: two locations are equal when path, line and column are.</remarks>
public sealed record SourceLocation(string Path, int Line, int Column)
{
    /// <summary>Length in characters of the marked text, when known (0 otherwise).</summary>
    public int Length { get; init; }

    /// <summary>Offset of the first character from the start of the file, when known.</summary>
    public int Offset { get; init; }

    public override string ToString() => $"{Path}:{Line}:{Column}";
}
