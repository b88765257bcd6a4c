using System.Text;

namespace Autopilot.Changes.ChangeSets;

/// <summary>Git's C-style quoted paths (<c>"t\303\251st\tx"</c>) and the header forms that carry paths.</summary>
internal static class GitPathText
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>
    /// Reads one path token at the start of <paramref name="text"/>: a quoted string, or (unquoted) the rest of
    /// the text. Returns the unquoted path and how many characters were used.
    /// </summary>
    public static string Unquote(string text, out int consumed)
    {
        if (text.Length == 0 || text[0] != '"')
        {
            consumed = text.Length;
            return text;
        }

        var bytes = new List<byte>(text.Length);
        var i = 1;
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (i >= text.Length)
            {
                throw new FormatException("a quoted path has no closing quote");
            }

            var c = text[i];
            if (c == '"')
            {
                i++;
                break;
            }

            if (c != '\\')
            {
                var n = new Rune(char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text[i], text[i + 1]) : c).EncodeToUtf8(utf8);
                for (var k = 0; k < n; k++)
                {
                    bytes.Add(utf8[k]);
                }

                i += char.IsSurrogatePair(text, i) ? 2 : 1;
                continue;
            }

            if (i + 1 >= text.Length)
            {
                throw new FormatException("a quoted path ends in a lone backslash");
            }

            var e = text[i + 1];
            i += 2;
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 't': bytes.Add(9); break;
                case 'n': bytes.Add(10); break;
                case 'v': bytes.Add(11); break;
                case 'f': bytes.Add(12); break;
                case 'r': bytes.Add(13); break;
                case '"': bytes.Add((byte)'"'); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case >= '0' and <= '3':
                    if (i + 1 >= text.Length || !IsOctal(text[i]) || !IsOctal(text[i + 1]))
                    {
                        throw new FormatException("a quoted path has a bad octal escape");
                    }

                    bytes.Add((byte)(((e - '0') * 64) + ((text[i] - '0') * 8) + (text[i + 1] - '0')));
                    i += 2;
                    break;
                default:
                    throw new FormatException($"a quoted path has an unknown escape '\\{e}'");
            }
        }

        consumed = i;
        try
        {
            return s_strictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException("a quoted path is not valid UTF-8 once unquoted; rename the file to a UTF-8 name");
        }
    }

    /// <summary>A path on a <c>---</c>/<c>+++</c> line: quoted, or up to a tab (timestamps follow a tab).</summary>
    public static string HeaderPath(string text)
    {
        if (text.StartsWith('"'))
        {
            return Unquote(text, out _);
        }

        var tab = text.IndexOf('\t');
        return tab >= 0 ? text[..tab] : text.TrimEnd();
    }

    /// <summary>
    /// Splits the paths of <c>diff --git a/X b/Y</c>. Unquoted paths with spaces are ambiguous; the symmetrical
    /// split (X == Y) is tried first, then a unique <c> b/</c>. Null when it cannot tell (other headers will).
    /// </summary>
    public static (string Old, string New)? SplitGitHeader(string rest)
    {
        if (rest.StartsWith('"'))
        {
            var first = Unquote(rest, out var used);
            var remainder = rest[used..].TrimStart(' ');
            return (first, remainder.StartsWith('"') ? Unquote(remainder, out _) : remainder);
        }

        var quotedSecond = rest.IndexOf(" \"", StringComparison.Ordinal);
        if (quotedSecond > 0 && rest.EndsWith('"'))
        {
            return (rest[..quotedSecond], Unquote(rest[(quotedSecond + 1)..], out _));
        }

        if ((rest.Length - 1) % 2 == 0)
        {
            var half = (rest.Length - 1) / 2;
            var left = rest[..half];
            var right = rest[(half + 1)..];
            if (rest[half] == ' ' && left.Length > 2 && right.Length > 2 && left.AsSpan(2).SequenceEqual(right.AsSpan(2)))
            {
                return (left, right);
            }
        }

        var split = rest.IndexOf(" b/", StringComparison.Ordinal);
        if (split > 0 && rest.IndexOf(" b/", split + 1, StringComparison.Ordinal) < 0)
        {
            return (rest[..split], rest[(split + 1)..]);
        }

        return null;
    }

    public static string StripPrefix(string path, char side) =>
        path.Length > 2 && path[0] == side && path[1] == '/' ? path[2..] : path;

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
