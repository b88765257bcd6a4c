using System.Text;
using System.Text.RegularExpressions;

namespace Autopilot.Core.Actions;

/// <summary>
/// A path glob compiled once to a regular expression.
/// <list type="bullet">
/// <item><c>*</c> matches within one segment (no <c>/</c>); <c>?</c> one character of a segment.</item>
/// <item><c>**</c> matches across segments: <c>**/x</c> is <c>x</c> at any depth (zero directories included),
/// <c>a/**</c> is everything below <c>a</c>.</item>
/// <item><c>[abc]</c>, <c>[a-z]</c>, <c>[!abc]</c> (or <c>[^abc]</c>) are character classes; <c>{a,b}</c> alternatives;
/// <c>\</c> escapes the next character.</item>
/// <item>Everything else, <c>~</c> included, is literal: callers present paths under the home folder as <c>~/...</c>.</item>
/// </list>
/// Matching is anchored (the whole text must match) and runs in linear time (non-backtracking engine).
/// </summary>
public sealed class Glob
{
    private readonly Regex? _regex;
    private readonly StringComparison _comparison;

    private Glob(string pattern, Regex? regex, bool ignoreCase)
    {
        Pattern = pattern;
        _regex = regex;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    /// <summary>True when the glob has wildcards; a glob without any is compared as plain text.</summary>
    public bool HasWildcards => _regex is not null;

    /// <summary>True when the glob names a path (has a <c>/</c>); globs without one are usually matched against file names.</summary>
    public bool HasSlash => Pattern.Contains('/');

    /// <summary>Compiles <paramref name="pattern"/>. Throws <see cref="ArgumentException"/> on a malformed glob (unclosed <c>[</c> or <c>{</c>).</summary>
    public static Glob Compile(string pattern, bool ignoreCase = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return ContainsWildcards(pattern)
            ? new Glob(pattern, ToRegex([pattern], ignoreCase), ignoreCase)
            : new Glob(pattern, null, ignoreCase);
    }

    public bool IsMatch(string text) => _regex is null ? string.Equals(text, Pattern, _comparison) : _regex.IsMatch(text);

    public bool IsMatch(ReadOnlySpan<char> text) => _regex is null ? text.Equals(Pattern, _comparison) : _regex.IsMatch(text);

    public override string ToString() => Pattern;

    /// <summary>True when <paramref name="pattern"/> has characters with a glob meaning.</summary>
    public static bool ContainsWildcards(string pattern) => pattern.AsSpan().IndexOfAny("*?[{\\") >= 0;

    /// <summary>One anchored regex that matches when any of <paramref name="patterns"/> matches.</summary>
    public static Regex ToRegex(IEnumerable<string> patterns, bool ignoreCase = false) => ToLazyRegex(patterns, ignoreCase).Value;

    /// <summary>
    /// Like <see cref="ToRegex"/>, but the regex is built on first use: a policy has dozens of glob sets and a CLI
    /// call needs a few, and building a non-backtracking regex costs milliseconds. The globs are still checked now.
    /// </summary>
    public static Lazy<Regex> ToLazyRegex(IEnumerable<string> patterns, bool ignoreCase = false)
    {
        var sb = new StringBuilder("^(?:");
        var first = true;
        foreach (var pattern in patterns)
        {
            if (!first)
            {
                sb.Append('|');
            }

            first = false;
            AppendPattern(sb, pattern);
        }

        sb.Append(")$");
        var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
        if (ignoreCase)
        {
            options |= RegexOptions.IgnoreCase;
        }

        var text = sb.ToString();
        return new Lazy<Regex>(() => new Regex(text, options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The regex text (anchored) for one glob.</summary>
    public static string ToRegexPattern(string pattern)
    {
        var sb = new StringBuilder("^(?:");
        AppendPattern(sb, pattern);
        return sb.Append(")$").ToString();
    }

    private static void AppendPattern(StringBuilder sb, string glob)
    {
        var braces = 0;
        var i = 0;
        while (i < glob.Length)
        {
            var c = glob[i];
            switch (c)
            {
                case '*':
                    if (i + 1 < glob.Length && glob[i + 1] == '*')
                    {
                        var atSegmentStart = i == 0 || glob[i - 1] == '/';
                        var j = i + 2;
                        while (j < glob.Length && glob[j] == '*')
                        {
                            j++;
                        }

                        if (atSegmentStart && j < glob.Length && glob[j] == '/')
                        {
                            // '**/' : zero or more whole directories.
                            sb.Append("(?:[^/]*/)*");
                            i = j + 1;
                        }
                        else if (atSegmentStart && j == glob.Length && i > 0)
                        {
                            // 'dir/**' : the directory itself and everything below.
                            sb.Length--;
                            sb.Append("(?:/.*)?");
                            i = j;
                        }
                        else
                        {
                            sb.Append(".*");
                            i = j;
                        }

                        continue;
                    }

                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    {
                        var close = FindClassEnd(glob, i);
                        if (close < 0)
                        {
                            throw new ArgumentException($"glob '{glob}': '[' at {i} is not closed", nameof(glob));
                        }

                        sb.Append('[');
                        var k = i + 1;
                        if (glob[k] is '!' or '^')
                        {
                            sb.Append('^');
                            k++;
                        }

                        for (; k < close; k++)
                        {
                            var cc = glob[k];
                            if (cc is '\\' or ']' or '[' or '^')
                            {
                                sb.Append('\\');
                            }

                            sb.Append(cc);
                        }

                        sb.Append(']');
                        i = close;
                        break;
                    }

                case '{':
                    braces++;
                    sb.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    sb.Append(')');
                    break;
                case ',' when braces > 0:
                    sb.Append('|');
                    break;
                case '\\' when i + 1 < glob.Length:
                    i++;
                    sb.Append(Regex.Escape(glob[i].ToString()));
                    break;
                default:
                    AppendLiteral(sb, c);
                    break;
            }

            i++;
        }

        if (braces > 0)
        {
            throw new ArgumentException($"glob '{glob}': '{{' is not closed", nameof(glob));
        }
    }

    private static void AppendLiteral(StringBuilder sb, char c)
    {
        if (char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '~' or '@' or '%' or ',' or ':' or '=' or '!' or '}' or '\'' or '"')
        {
            sb.Append(c);
        }
        else
        {
            sb.Append(Regex.Escape(c.ToString()));
        }
    }

    private static int FindClassEnd(string glob, int open)
    {
        var k = open + 1;
        if (k < glob.Length && glob[k] is '!' or '^')
        {
            k++;
        }

        // A ']' right after the opening is a member of the class.
        if (k < glob.Length && glob[k] == ']')
        {
            k++;
        }

        for (; k < glob.Length; k++)
        {
            if (glob[k] == ']')
            {
                return k;
            }
        }

        return -1;
    }
}
