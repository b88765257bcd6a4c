using System.Text;

namespace Autopilot.Changes.Commands;

/// <summary>Where a piece of shell runs, which decides what its paths mean.</summary>
internal enum ScriptHost
{
    /// <summary>On a checkout of the repository (CI steps, Makefiles, package scripts, shell scripts).</summary>
    Checkout,

    /// <summary>Inside a container image being built (Dockerfile <c>RUN</c>): the whole file system is the build's.</summary>
    Container,
}

/// <summary>
/// Shell found in a file of a change: the text the shell would run, and for every character of it the line and
/// column in the file it came from (text built from a YAML block, a JSON string or a Makefile recipe differs
/// from the file's characters, so positions are mapped one by one).
/// </summary>
/// <param name="Path">Repository-relative path of the file.</param>
/// <param name="Site">What the shell is, for messages: <c>step 'Install' of job 'build'</c>, <c>RUN</c>, <c>script 'test'</c>.</param>
/// <param name="Text">The shell text.</param>
/// <param name="Lines">1-based file line of each character of <paramref name="Text"/> (one more entry for the end).</param>
/// <param name="Columns">1-based file column of each character (one more entry for the end).</param>
/// <param name="WorkingDirectory">Folder the shell starts in, relative to the repository root (<see cref="ScriptHost.Checkout"/>) or absolute in the image (<see cref="ScriptHost.Container"/>); null for the root.</param>
internal sealed record ShellScript(string Path, string Site, string Text, int[] Lines, int[] Columns, ScriptHost Host = ScriptHost.Checkout, string? WorkingDirectory = null)
{
    /// <summary>Variables the host sets before the script runs, by name (a value is used as written); none by default.</summary>
    public IReadOnlyDictionary<string, string> HostVariables { get; init; } = new Dictionary<string, string>();

    /// <summary>File line and column of the character at <paramref name="offset"/> of <see cref="Text"/>.</summary>
    public (int Line, int Column) At(int offset)
    {
        var i = Math.Clamp(offset, 0, Lines.Length - 1);
        return (Lines[i], Columns[i]);
    }
}

/// <summary>A file the extractors could not read, or shell they chose not to judge (another shell), for an info or fail-closed finding.</summary>
internal sealed record ScriptNote(string Path, int Line, int Column, string Message, bool Unreadable);

/// <summary>What the extractors found in one file.</summary>
internal sealed record ExtractedScripts(IReadOnlyList<ShellScript> Scripts, IReadOnlyList<ScriptNote> Notes)
{
    public static readonly ExtractedScripts None = new([], []);
}

/// <summary>Builds a <see cref="ShellScript"/>'s text and its map back to the file, a piece at a time.</summary>
internal sealed class ShellScriptBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<int> _lines = [];
    private readonly List<int> _columns = [];

    public int Length => _text.Length;

    /// <summary>Appends <paramref name="text"/>, which stands in the file at <paramref name="line"/> from <paramref name="column"/> on.</summary>
    public ShellScriptBuilder Append(string text, int line, int column)
    {
        for (var i = 0; i < text.Length; i++)
        {
            Append(text[i], line, column + i);
        }

        return this;
    }

    /// <summary>Appends text that has no characters of its own in the file (a stand-in), all mapped to one position.</summary>
    public ShellScriptBuilder AppendAt(string text, int line, int column)
    {
        foreach (var c in text)
        {
            Append(c, line, column);
        }

        return this;
    }

    public ShellScriptBuilder Append(char c, int line, int column)
    {
        _text.Append(c);
        _lines.Add(line);
        _columns.Add(column);
        return this;
    }

    public ShellScript Build(string path, string site, ScriptHost host = ScriptHost.Checkout, string? workingDirectory = null)
    {
        var endLine = _lines.Count > 0 ? _lines[^1] : 1;
        var endColumn = _columns.Count > 0 ? _columns[^1] + 1 : 1;
        return new ShellScript(path, site, _text.ToString(), [.. _lines, endLine], [.. _columns, endColumn], host, workingDirectory);
    }
}
