using System.Globalization;
using System.Text.RegularExpressions;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Preprocessor knowledge: which symbols a file tests, the symbols the .NET SDK defines for a target framework and a
/// configuration, and the C# 14 file-based program directives (<c>#:package</c>, <c>#:sdk</c>, <c>#:property</c>).
/// </summary>
internal static partial class PreprocessorNames
{
    private static readonly string[] s_netCoreApp = ["1.0", "1.1", "2.0", "2.1", "2.2", "3.0", "3.1"];
    private static readonly string[] s_netStandard = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.0", "2.1"];
    private static readonly string[] s_netFramework = ["20", "30", "35", "40", "45", "451", "452", "46", "461", "462", "47", "471", "472", "48", "481"];

    /// <summary>The identifiers in the file's <c>#if</c> and <c>#elif</c> conditions, active or not.</summary>
    public static HashSet<string> Tested(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!text.Contains("#", StringComparison.Ordinal))
        {
            return names;
        }

        foreach (Match condition in Condition().Matches(text))
        {
            foreach (Match name in Identifier().Matches(condition.Groups[1].Value))
            {
                if (name.Value is not ("true" or "false"))
                {
                    names.Add(name.Value);
                }
            }
        }

        return names;
    }

    /// <summary>
    /// The text with the leading <c>#!</c> and <c>#:</c> lines of a file-based program blanked (same length, so positions
    /// hold): the compiler reads them as directives to the build, not as C#.
    /// </summary>
    public static string BlankFileDirectives(string text)
    {
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        if (text.Length < start + 2 || text[start] != '#' || text[start + 1] is not (':' or '!'))
        {
            return text;
        }

        var chars = text.ToCharArray();
        var i = start;
        while (i < chars.Length)
        {
            // Directives come first; blank lines and comments may sit between them.
            var lineEnd = text.IndexOf('\n', i);
            lineEnd = lineEnd < 0 ? text.Length : lineEnd;
            var line = text.AsSpan(i, lineEnd - i).TrimStart();
            if (line.StartsWith("#:") || line.StartsWith("#!"))
            {
                for (var j = i; j < lineEnd; j++)
                {
                    if (chars[j] != '\r')
                    {
                        chars[j] = ' ';
                    }
                }
            }
            else if (!line.IsWhiteSpace() && !line.StartsWith("//"))
            {
                break;
            }

            i = lineEnd + 1;
        }

        return new string(chars);
    }

    /// <summary>The symbols the SDK defines for a target framework (<c>net8.0</c>: NET, NET8_0, NET8_0_OR_GREATER, ..., NETCOREAPP, ...).</summary>
    public static IReadOnlyList<string> FrameworkSymbols(string framework)
    {
        var symbols = new List<string>();
        var tfm = framework.Trim().ToLowerInvariant();
        var platform = "";
        var dash = tfm.IndexOf('-');
        if (dash >= 0)
        {
            platform = tfm[(dash + 1)..];
            tfm = tfm[..dash];
        }

        if (tfm.StartsWith("netstandard", StringComparison.Ordinal))
        {
            symbols.Add("NETSTANDARD");
            Versions(symbols, "NETSTANDARD", s_netStandard, tfm["netstandard".Length..]);
        }
        else if (tfm.StartsWith("netcoreapp", StringComparison.Ordinal))
        {
            symbols.Add("NETCOREAPP");
            Versions(symbols, "NETCOREAPP", s_netCoreApp, tfm["netcoreapp".Length..]);
        }
        else if (tfm.StartsWith("net", StringComparison.Ordinal) && tfm.Contains('.'))
        {
            // net5.0 and later: NET and NETCOREAPP, every NETx_0_OR_GREATER up to it, and all of .NET Core 3.1's.
            symbols.AddRange(["NET", "NETCOREAPP"]);
            if (double.TryParse(tfm[3..], NumberStyles.Float, CultureInfo.InvariantCulture, out var version))
            {
                var major = (int)version;
                var minor = tfm[3..].Split('.') is { Length: > 1 } parts ? parts[1] : "0";
                symbols.Add($"NET{major}_{minor}");
                for (var m = 5; m <= major; m++)
                {
                    symbols.Add($"NET{m}_0_OR_GREATER");
                }

                Versions(symbols, "NETCOREAPP", s_netCoreApp, "3.1", exact: false);
            }
        }
        else if (tfm.StartsWith("net", StringComparison.Ordinal))
        {
            symbols.Add("NETFRAMEWORK");
            Versions(symbols, "NET", s_netFramework, tfm[3..], dotted: false);
        }

        if (platform.Length > 0)
        {
            var name = new string(platform.TakeWhile(char.IsLetter).ToArray()).ToUpperInvariant();
            if (name.Length > 0)
            {
                symbols.Add(name);
            }
        }

        return symbols;
    }

    /// <summary>The symbols a configuration defines: DEBUG or RELEASE (the configuration's name in capitals) and TRACE.</summary>
    public static IReadOnlyList<string> ConfigurationSymbols(string configuration) =>
        [IsIdentifier(configuration.ToUpperInvariant()) ? configuration.ToUpperInvariant() : "DEBUG", "TRACE"];

    public static bool IsIdentifier(string text) => text.Length > 0 && Identifier().Match(text) is { Success: true } m && m.Length == text.Length;

    private static void Versions(List<string> symbols, string prefix, string[] known, string version, bool dotted = true, bool exact = true)
    {
        var index = Array.IndexOf(known, version);
        if (index < 0)
        {
            return;
        }

        string Name(string v) => prefix + (dotted ? v.Replace('.', '_') : v);
        if (exact)
        {
            symbols.Add(Name(version));
        }

        for (var i = 0; i <= index; i++)
        {
            symbols.Add(Name(known[i]) + "_OR_GREATER");
        }
    }

    // A byte-order mark before the first directive (a file saved with one, read as text) is whitespace to the compiler too.
    [GeneratedRegex(@"^[ \t\uFEFF]*#[ \t]*(?:if|elif)\b(.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Condition();

    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
