using System.Text.Json;

namespace Autopilot.Changes.Commands;

/// <summary>
/// The <c>RUN</c> instructions of a Dockerfile: shell form (with line continuations; comment lines inside
/// them dropped, as Docker does), exec form (<c>RUN ["sh", "-c", "…"]</c>: the words, quoted for the shell),
/// and here-documents (<c>RUN &lt;&lt;EOF</c>: the body is the script). They run inside the image being built, so
/// paths are judged against the image (<see cref="ScriptHost.Container"/>) from the current <c>WORKDIR</c>.
/// After a <c>SHELL</c> that is not a POSIX shell, shell-form instructions are not judged, and a note says so.
/// </summary>
internal static class DockerfileScripts
{
    public static ExtractedScripts Extract(string path, string text)
    {
        var lines = CiScripts.SplitLines(text);
        var escape = EscapeCharacter(lines);
        var scripts = new List<ShellScript>();
        var notes = new List<ScriptNote>();
        string? workdir = null;
        string? shell = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var first = FirstNonBlank(line);
            if (first < 0 || line[first] == '#')
            {
                continue;
            }

            // The instruction's lines: this one and its continuations (blank and comment lines inside are dropped).
            var parts = new List<(int Line, int Column, string Text)> { (i + 1, first + 1, line[first..]) };
            while (EndsWithEscape(parts[^1].Text, escape) && i + 1 < lines.Length)
            {
                i++;
                var next = lines[i];
                var start = FirstNonBlank(next);
                if (start < 0 || next[start] == '#')
                {
                    continue;
                }

                parts.Add((i + 1, 1, next));
            }

            var keywordEnd = parts[0].Text.IndexOfAny([' ', '\t']);
            var keyword = (keywordEnd < 0 ? parts[0].Text : parts[0].Text[..keywordEnd]).ToUpperInvariant();
            var rest = keywordEnd < 0 ? "" : parts[0].Text[keywordEnd..];
            var restColumn = parts[0].Column + (keywordEnd < 0 ? parts[0].Text.Length : keywordEnd);
            switch (keyword)
            {
                case "FROM":
                    (workdir, shell) = (null, null);
                    break;
                case "WORKDIR":
                    var folder = rest.Trim();
                    workdir = folder.Contains('$') ? null : folder.StartsWith('/') ? folder : $"{(workdir ?? "").TrimEnd('/')}/{folder}";
                    break;
                case "SHELL":
                    shell = ExecWords(rest.Trim()) is [var program, ..] ? program : rest.Trim();
                    break;
                case "RUN":
                    Run(path, lines, ref i, parts, rest, restColumn, escape, workdir, shell, scripts, notes);
                    break;
            }
        }

        return new ExtractedScripts(scripts, notes);
    }

    private static void Run(string path, string[] lines, ref int index, List<(int Line, int Column, string Text)> parts, string rest, int restColumn,
        char escape, string? workdir, string? shell, List<ShellScript> scripts, List<ScriptNote> notes)
    {
        // Skip the instruction's own flags (--mount=…, --network=…, --security=…).
        var offset = 0;
        while (true)
        {
            var start = FirstNonBlank(rest, offset);
            if (start < 0 || !rest.AsSpan(start).StartsWith("--"))
            {
                offset = start < 0 ? rest.Length : start;
                break;
            }

            var end = rest.IndexOfAny([' ', '\t'], start);
            offset = end < 0 ? rest.Length : end;
        }

        var body = rest[offset..];
        var column = restColumn + offset;
        var site = "RUN";
        var builder = new ShellScriptBuilder();
        if (body.StartsWith('[') && parts.Count == 1 && ExecWords(body) is { } words)
        {
            // Exec form: no shell of its own; the words, quoted, read as the command they run (sh -c "…" unwraps).
            builder.AppendAt(string.Join(' ', words.Select(Quote)), parts[0].Line, column);
            scripts.Add(builder.Build(path, site, ScriptHost.Container, workdir));
            return;
        }

        if (shell is not null && !CommandFiles.IsPosixShell(shell))
        {
            notes.Add(new ScriptNote(path, parts[0].Line, column, $"RUN runs under SHELL '{shell}', not a POSIX shell, so its commands were not judged", Unreadable: false));
            return;
        }

        if (HereDocument(body) is { } heredoc && heredoc.Command.Trim().Length == 0)
        {
            // RUN <<EOF … EOF: the body is the script the shell runs.
            for (var line = index + 1; line < lines.Length && !IsDelimiter(lines[line], heredoc); line++)
            {
                builder.Append(lines[line], line + 1, 1).AppendAt("\n", line + 1, lines[line].Length + 1);
                index = line;
            }

            index = Math.Min(lines.Length - 1, index + 1);
            scripts.Add(builder.Build(path, site, ScriptHost.Container, workdir));
            return;
        }

        for (var p = 0; p < parts.Count; p++)
        {
            var (line, partColumn, text) = p == 0 ? (parts[0].Line, column, body) : parts[p];
            if (p > 0)
            {
                builder.AppendAt("\n", parts[p - 1].Line, parts[p - 1].Column + parts[p - 1].Text.Length);
            }

            // Docker joins the lines; the shell reads backslash-newline the same way (a backtick escape becomes one).
            var trimmed = text.TrimEnd();
            if (escape != '\\' && trimmed.EndsWith(escape))
            {
                builder.Append(trimmed[..^1], line, partColumn).Append('\\', line, partColumn + trimmed.Length - 1);
            }
            else
            {
                builder.Append(text, line, partColumn);
            }
        }

        if (HereDocument(body) is { } inner)
        {
            // RUN cat <<EOF > file … EOF: the body belongs to the command, as the shell reads it.
            for (var line = index + 1; line < lines.Length; line++)
            {
                builder.AppendAt("\n", line, 1).Append(lines[line], line + 1, 1);
                index = line;
                if (IsDelimiter(lines[line], inner))
                {
                    break;
                }
            }
        }

        scripts.Add(builder.Build(path, site, ScriptHost.Container, workdir));
    }

    private sealed record HereDoc(string Delimiter, bool StripTabs, string Command);

    /// <summary>The first here-document operator of <paramref name="text"/> (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-"EOF"</c>), and the text without it.</summary>
    private static HereDoc? HereDocument(string text)
    {
        var at = text.IndexOf("<<", StringComparison.Ordinal);
        if (at < 0 || (at + 2 < text.Length && text[at + 2] == '<'))
        {
            return null;
        }

        var i = at + 2;
        var strip = i < text.Length && text[i] == '-';
        if (strip)
        {
            i++;
        }

        var start = i;
        while (i < text.Length && text[i] is not (' ' or '\t' or ';' or '&' or '|' or '>' or '<'))
        {
            i++;
        }

        var delimiter = text[start..i].Trim('"', '\'');
        return delimiter.Length == 0 ? null : new HereDoc(delimiter, strip, text[..at] + text[i..]);
    }

    private static bool IsDelimiter(string line, HereDoc heredoc) =>
        (heredoc.StripTabs ? line.TrimStart('\t') : line).TrimEnd('\r') == heredoc.Delimiter;

    /// <summary>The words of an exec-form JSON array; null when it is not one.</summary>
    private static string[]? ExecWords(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(text.Trim());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',' or '@' or '+')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The <c># escape=</c> parser directive (backslash by default).</summary>
    private static char EscapeCharacter(string[] lines)
    {
        foreach (var line in lines)
        {
            var t = line.Trim();
            if (!t.StartsWith('#'))
            {
                break;
            }

            var directive = t[1..].Replace(" ", "", StringComparison.Ordinal);
            if (directive.StartsWith("escape=", StringComparison.OrdinalIgnoreCase) && directive.Length > 7)
            {
                return directive[7];
            }
        }

        return '\\';
    }

    private static bool EndsWithEscape(string text, char escape)
    {
        var t = text.TrimEnd();
        return t.Length > 0 && t[^1] == escape;
    }

    private static int FirstNonBlank(string text, int from = 0)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] is not (' ' or '\t'))
            {
                return i;
            }
        }

        return -1;
    }
}
