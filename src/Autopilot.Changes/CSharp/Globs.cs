using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Path globs as policies write them: <c>**</c> crosses folders, <c>*</c> and <c>?</c> stay inside one,
/// <c>{a,b}</c> picks one of several. Paths compare with forward slashes, case-sensitively.
/// </summary>
internal static class PathGlob
{
    private static readonly ConcurrentDictionary<string, Regex> s_cache = new(StringComparer.Ordinal);

    public static bool IsMatch(string glob, string path) => s_cache.GetOrAdd(glob, static g => Compile(g)).IsMatch(Normalize(path));

    public static string Normalize(string path)
    {
        var normalized = path.Replace('\\', '/');
        return normalized.StartsWith("./", StringComparison.Ordinal) ? normalized[2..] : normalized;
    }

    public static bool IsMatchAny(IEnumerable<string> globs, string path) => globs.Any(g => IsMatch(g, path));

    private static Regex Compile(string glob)
    {
        var builder = new StringBuilder("^");
        var braces = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    i++;
                    if (i + 1 < glob.Length && glob[i + 1] == '/')
                    {
                        i++;
                        builder.Append("(?:.*/)?"); // "a/**/b" matches "a/b" too
                    }
                    else
                    {
                        builder.Append(".*");
                    }

                    break;
                case '*':
                    builder.Append("[^/]*");
                    break;
                case '?':
                    builder.Append("[^/]");
                    break;
                case '{':
                    braces++;
                    builder.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    builder.Append(')');
                    break;
                case ',' when braces > 0:
                    builder.Append('|');
                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        builder.Append(new string(')', braces)).Append('$');
        return new Regex(builder.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }
}

/// <summary>
/// Symbol globs over member keys (<c>MyApp.Billing.*</c>, <c>*.Invoice.Total(*)</c>): <c>*</c> matches
/// anything, dots and parentheses included; blanks are ignored on both sides. A glob that matches a type
/// also covers the type's members and nested types.
/// </summary>
internal static class SymbolGlob
{
    private static readonly ConcurrentDictionary<string, Regex> s_cache = new(StringComparer.Ordinal);

    public static bool Covers(IEnumerable<string> globs, string key, string? containingType)
    {
        foreach (var glob in globs)
        {
            var regex = s_cache.GetOrAdd(glob, static g => Compile(g));
            if (regex.IsMatch(Squeeze(key)))
            {
                return true;
            }

            // Members of a covered type are covered: walk out through the containing types.
            for (var type = containingType; !string.IsNullOrEmpty(type); type = Outer(type))
            {
                if (regex.IsMatch(Squeeze(type)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // "Ns.Outer`1.Inner" → "Ns.Outer`1" (dots inside a parameter list do not count: types have none).
    private static string? Outer(string typeKey)
    {
        var dot = typeKey.LastIndexOf('.');
        return dot > 0 ? typeKey[..dot] : null;
    }

    private static string Squeeze(string text) => text.Replace(" ", "", StringComparison.Ordinal);

    private static Regex Compile(string glob)
    {
        var builder = new StringBuilder("^");
        foreach (var c in Squeeze(glob))
        {
            builder.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    }
}
