namespace Autopilot.Policy.Patterns;

/// <summary>
/// The wildcard patterns of program packs (docs/effects.md): argument patterns (<c>ifArgs</c>, <c>ifNotArgs</c>,
/// <c>ifFlagValues</c>), program names (<c>python3.*</c>) and environment variable names. Arguments are URLs, SQL
/// and configuration values as often as paths, so unlike a path glob nothing here treats <c>/</c> specially:
/// <list type="bullet">
/// <item><c>*</c> matches any text, empty and <c>/</c> included; <c>?</c> exactly one character.</item>
/// <item><c>[abc]</c>, <c>[a-z]</c>, <c>[!abc]</c> (or <c>[^abc]</c>) match one character of (or not of) a class; a
/// <c>]</c> right after the opening (or after <c>!</c>/<c>^</c>) is a member; <c>\</c> escapes inside a class too.</item>
/// <item><c>\</c> makes the next character literal; everything else is literal (there are no braces).</item>
/// </list>
/// Matching is anchored (the whole text must match), allocates nothing and needs no regular expression: the
/// interpreter and the generated effect resolver call the same <see cref="IsMatch"/>. A pattern
/// <see cref="Validate"/> rejects is an <c>AP1104</c> error when the pack loads; should one reach
/// <see cref="IsMatch"/> anyway, an unclosed <c>[</c> and a trailing <c>\</c> are literal characters.
/// </summary>
public static class ArgumentPattern
{
    /// <summary>True when <paramref name="pattern"/> has a character with a wildcard meaning (<c>* ? [ \</c>).</summary>
    public static bool HasWildcards(string pattern)
    {
        foreach (var c in pattern)
        {
            if (c is '*' or '?' or '[' or '\\')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when a program or variable name in a pack is a pattern: it has <c>*</c> or <c>?</c>. Other names are
    /// exact, whatever they hold (<c>[</c> and <c>[[</c> are programs).
    /// </summary>
    public static bool IsNamePattern(string name) => name.IndexOf('*') >= 0 || name.IndexOf('?') >= 0;

    /// <summary>Null when <paramref name="pattern"/> is well formed; otherwise what is wrong with it.</summary>
    public static string? Validate(string pattern)
    {
        if (pattern.Length == 0)
        {
            return "an empty pattern matches only an empty argument";
        }

        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    if (i + 1 == pattern.Length)
                    {
                        return "a '\\' at the end escapes nothing";
                    }

                    i++;
                    break;
                case '[':
                    var close = Glob.ClassEnd(pattern, i);
                    if (close < 0)
                    {
                        return $"'[' at position {i + 1} is never closed";
                    }

                    if (ReversedRange(pattern, i, close) is { } range)
                    {
                        return $"the range '{range}' at position {i + 1} is reversed";
                    }

                    i = close;
                    break;
            }
        }

        return null;
    }

    /// <summary>
    /// True when the whole of <paramref name="text"/> matches <paramref name="pattern"/>; with
    /// <paramref name="ignoreCase"/>, letters compare without case (invariant culture).
    /// </summary>
    public static bool IsMatch(string pattern, string text, bool ignoreCase = false)
    {
        // Every token but '*' consumes exactly one character, so remembering the last '*' is enough: on a
        // mismatch, let that star take one more character and retry from just after it. O(pattern × text).
        var p = 0;
        var t = 0;
        var starP = -1;
        var starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                if (pattern[p] == '*')
                {
                    starP = ++p;
                    starT = t;
                    continue;
                }

                var next = MatchOne(pattern, p, text[t], ignoreCase);
                if (next >= 0)
                {
                    p = next;
                    t++;
                    continue;
                }
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>The index after the token at <paramref name="p"/> when it matches <paramref name="c"/>; -1 otherwise.</summary>
    private static int MatchOne(string pattern, int p, char c, bool ignoreCase)
    {
        switch (pattern[p])
        {
            case '?':
                return p + 1;
            case '\\' when p + 1 < pattern.Length:
                return Same(pattern[p + 1], c, ignoreCase) ? p + 2 : -1;
            case '[':
                var close = Glob.ClassEnd(pattern, p);
                if (close < 0)
                {
                    return Same('[', c, ignoreCase) ? p + 1 : -1;
                }

                return InClass(pattern, p, close, c, ignoreCase) ? close + 1 : -1;
            default:
                return Same(pattern[p], c, ignoreCase) ? p + 1 : -1;
        }
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    private static bool InClass(string pattern, int open, int close, char c, bool ignoreCase)
    {
        var k = open + 1;
        var negated = pattern[k] is '!' or '^';
        if (negated)
        {
            k++;
        }

        var upper = ignoreCase ? char.ToUpperInvariant(c) : c;
        var lower = ignoreCase ? char.ToLowerInvariant(c) : c;
        var found = false;
        while (k < close && !found)
        {
            var low = Member(pattern, ref k);
            var high = low;
            if (k + 1 < close && pattern[k] == '-')
            {
                k++;
                high = Member(pattern, ref k);
            }

            found = (c >= low && c <= high) || (upper >= low && upper <= high) || (lower >= low && lower <= high);
        }

        return found != negated;
    }

    /// <summary>One member character of a class at <paramref name="k"/> (an escape is the character after it); moves past it.</summary>
    private static char Member(string pattern, ref int k)
    {
        if (pattern[k] == '\\' && k + 1 < pattern.Length)
        {
            k += 2;
            return pattern[k - 1];
        }

        return pattern[k++];
    }

    private static string? ReversedRange(string pattern, int open, int close)
    {
        var k = open + 1;
        if (pattern[k] is '!' or '^')
        {
            k++;
        }

        while (k < close)
        {
            var start = k;
            var low = Member(pattern, ref k);
            if (k + 1 < close && pattern[k] == '-')
            {
                k++;
                var high = Member(pattern, ref k);
                if (high < low)
                {
                    return pattern.Substring(start, k - start);
                }
            }
        }

        return null;
    }
}
