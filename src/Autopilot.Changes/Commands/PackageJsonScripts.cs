using System.Text;
using System.Text.Json;

namespace Autopilot.Changes.Commands;

/// <summary>
/// The <c>scripts</c> of a <c>package.json</c>: each value is a command npm, pnpm and yarn hand to the shell,
/// from the package's folder. Positions come from the reader's byte offsets; escapes in a value are mapped to the
/// column of their backslash.
/// </summary>
internal static class PackageJsonScripts
{
    public static ExtractedScripts Extract(string path, byte[] utf8)
    {
        var folder = Path.GetDirectoryName(path)?.Replace('\\', '/');
        var positions = new Utf8Positions(utf8);
        var scripts = new List<ShellScript>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            string? name = null;
            var inScripts = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        name = reader.GetString();
                        break;
                    case JsonTokenType.StartObject when reader.CurrentDepth == 1 && name == "scripts":
                        inScripts = true;
                        break;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 1:
                        inScripts = false;
                        break;
                    case JsonTokenType.String when inScripts && reader.CurrentDepth == 2 && name is not null:
                        scripts.Add(Script(path, folder, name, ref reader, positions, utf8));
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            return new ExtractedScripts([], [new ScriptNote(path, line, column, $"it is not valid JSON ({ex.Message}), so the scripts it adds cannot be judged", Unreadable: true)]);
        }

        return new ExtractedScripts(scripts, []);
    }

    private static ShellScript Script(string path, string? folder, string name, ref Utf8JsonReader reader, Utf8Positions positions, byte[] utf8)
    {
        // The raw text between the quotes, escapes and all: each decoded character maps to where it is written.
        var start = (int)reader.TokenStartIndex;
        var (line, column) = positions.At(start);
        var raw = Encoding.UTF8.GetString(utf8, start + 1, reader.ValueSpan.Length);
        var builder = new ShellScriptBuilder();
        for (var i = 0; i < raw.Length; i++)
        {
            var at = column + 1 + i;
            if (raw[i] != '\\' || i + 1 >= raw.Length)
            {
                builder.Append(raw[i], line, at);
                continue;
            }

            var e = raw[++i];
            if (e == 'u' && i + 4 < raw.Length && int.TryParse(raw.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
            {
                builder.Append((char)code, line, at);
                i += 4;
                continue;
            }

            builder.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => e }, line, at);
        }

        return builder.Build(path, $"script '{name}'", ScriptHost.Checkout, string.IsNullOrEmpty(folder) ? null : folder);
    }

    /// <summary>Line and column (in characters) of a byte offset into UTF-8 text.</summary>
    private sealed class Utf8Positions(byte[] utf8)
    {
        public (int Line, int Column) At(int offset)
        {
            int line = 1, column = 1;
            for (var i = 0; i < offset && i < utf8.Length; i++)
            {
                if (utf8[i] == (byte)'\n')
                {
                    (line, column) = (line + 1, 1);
                }
                else if ((utf8[i] & 0xC0) != 0x80)
                {
                    column++;
                }
            }

            return (line, column);
        }
    }
}
