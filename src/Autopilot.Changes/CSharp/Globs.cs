using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Path globs given as loose lists (the C# and schema rules, work orders): the project's one <see cref="Glob"/>
/// matched against repository paths, each pattern parsed once and cached. Not a second dialect: only the cache
/// and the path clean-up (<c>\</c> to <c>/</c>, a leading <c>./</c>) live here.
/// </summary>
internal static class PathGlob
{
    private static readonly ConcurrentDictionary<string, Glob?> s_cache = new(StringComparer.Ordinal);

    public static bool IsMatch(string glob, string path) =>
        s_cache.GetOrAdd(glob, static g => Glob.TryParse(g, GlobKind.Path, out _)) is { } compiled && compiled.IsMatchUnderRoot(Normalize(path));

    public static string Normalize(string path)
    {
        var normalized = path.Replace('\\', '/');
        return normalized.StartsWith("./", StringComparison.Ordinal) ? normalized[2..] : normalized;
    }

    // A glob that does not parse matches nothing here; the policy validator reports it at its line.
    public static bool IsMatchAny(IEnumerable<string> globs, string path) => globs.Any(g => IsMatch(g, path));
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
