namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// A change set could not be read: not a repository, an unknown revision, a corrupt diff, text that is not
/// UTF-8, and so on. The message says what went wrong and what to do; <see cref="Line"/> is the 1-based line
/// of the diff text where there is one.
/// </summary>
public sealed class ChangeSetException : Exception
{
    public ChangeSetException(string message, int? line = null, string? path = null, Exception? inner = null)
        : base(Compose(message, line, path), inner)
    {
        Line = line;
        Path = path;
    }

    public int? Line { get; }

    /// <summary>The file of the change the error concerns, when known.</summary>
    public string? Path { get; }

    private static string Compose(string message, int? line, string? path) => (line, path) switch
    {
        (int l, string p) => $"diff line {l} ({p}): {message}",
        (int l, null) => $"diff line {l}: {message}",
        (null, string p) => $"{p}: {message}",
        _ => message,
    };
}
