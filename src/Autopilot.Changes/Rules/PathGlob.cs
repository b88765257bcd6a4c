using System.Text;
using System.Text.RegularExpressions;

namespace Autopilot.Changes.Rules;

/// <summary>
/// A path glob matched against repository-relative paths ('/' separators, case-sensitive):
/// <c>*</c> and <c>?</c> within one segment, <c>**</c> across segments, <c>[abc]</c>/<c>[!abc]</c>, <c>{a,b}</c>,
/// <c>\</c> escapes. A trailing <c>/</c> means everything below (<c>src/</c> = <c>src/**</c>); a leading <c>/</c>
/// anchors at the root; a pattern without any <c>/</c> matches the file name at any depth (as in .gitignore).
/// </summary>
/// <remarks>To be merged with Autopilot.Core.Actions.Glob (written in parallel); the lead will unify them.</remarks>
internal sealed class PathGlob
{
    private readonly Regex? _regex;
    private readonly string? _literal;

    private PathGlob(string pattern, Regex? regex, string? literal)
    {
        Pattern = pattern;
        _regex = regex;
        _literal = literal;
    }

    public string Pattern { get; }

    /// <summary>Compiles a glob; <see cref="FormatException"/> names what is wrong with it.</summary>
    public static PathGlob Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new FormatException("an empty glob matches nothing");
        }

        var body = pattern.Trim();
        var anchored = false;
        while (body.StartsWith("./", StringComparison.Ordinal))
        {
            body = body[2..];
        }

        if (body.StartsWith('/'))
        {
            anchored = true;
            body = body.TrimStart('/');
        }

        if (body.EndsWith('/'))
        {
            body += "**";
        }

        if (body.Length == 0)
        {
            throw new FormatException($"the glob '{pattern}' names no path");
        }

        var anyDepth = !anchored && !body.Contains('/');
        if (!anyDepth && body.IndexOfAny(['*', '?', '[', '{', '\\']) < 0)
        {
            return new PathGlob(pattern, null, body);
        }

        var regex = new StringBuilder("^");
        if (anyDepth)
        {
            regex.Append("(?:.*/)?");
        }

        var position = 0;
        Translate(body, ref position, regex, pattern, inBraces: false);
        regex.Append('$');
        return new PathGlob(pattern, new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1)), null);
    }

    public bool IsMatch(string path) => _literal is not null ? string.Equals(path, _literal, StringComparison.Ordinal) : _regex!.IsMatch(path);

    public override string ToString() => Pattern;

    private static void Translate(string body, ref int i, StringBuilder regex, string pattern, bool inBraces)
    {
        while (i < body.Length)
        {
            var c = body[i];
            switch (c)
            {
                case '*' when i + 1 < body.Length && body[i + 1] == '*':
                {
                    var atStart = i == 0 || body[i - 1] == '/';
                    i += 2;
                    if (atStart && i < body.Length && body[i] == '/')
                    {
                        regex.Append("(?:.*/)?");   // "**/": zero or more directories
                        i++;
                    }
                    else if (atStart && i == body.Length && regex.Length > 1 && regex[^1] == '/')
                    {
                        regex.Length--;
                        regex.Append("(?:/.*)?");   // "/**" at the end: the directory itself and all below
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    continue;
                }

                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                {
                    var close = body.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        throw new FormatException($"the glob '{pattern}' has a '[' without its ']'");
                    }

                    var set = body[(i + 1)..close];
                    var negate = set.StartsWith('!') || set.StartsWith('^');
                    if (negate)
                    {
                        set = set[1..];
                    }

                    regex.Append(negate ? "[^/" : "[");
                    foreach (var ch in set)
                    {
                        regex.Append(ch is '\\' or ']' or '[' or '^' ? "\\" + ch : ch.ToString());
                    }

                    regex.Append(']');
                    i = close;
                    break;
                }

                case '{':
                {
                    i++;
                    regex.Append("(?:");
                    Translate(body, ref i, regex, pattern, inBraces: true);
                    if (i >= body.Length || body[i] != '}')
                    {
                        throw new FormatException($"the glob '{pattern}' has a '{{' without its '}}'");
                    }

                    regex.Append(')');
                    break;
                }

                case ',' when inBraces:
                    regex.Append('|');
                    break;
                case '}' when inBraces:
                    return;
                case '\\':
                    if (i + 1 >= body.Length)
                    {
                        throw new FormatException($"the glob '{pattern}' ends in a lone '\\'");
                    }

                    i++;
                    regex.Append(Regex.Escape(body[i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }

            i++;
        }
    }
}

/// <summary>Several globs; a path matches when any of them does.</summary>
internal sealed class PathGlobSet
{
    public static readonly PathGlobSet Empty = new([]);

    private readonly PathGlob[] _globs;

    private PathGlobSet(PathGlob[] globs) => _globs = globs;

    public bool IsEmpty => _globs.Length == 0;

    public IReadOnlyList<PathGlob> Globs => _globs;

    /// <summary>Compiles every glob; the first bad one raises <see cref="FormatException"/>.</summary>
    public static PathGlobSet Parse(IEnumerable<string>? patterns) =>
        patterns is null ? Empty : new PathGlobSet([.. patterns.Select(PathGlob.Parse)]);

    public bool IsMatch(string path) => FirstMatch(path) is not null;

    public PathGlob? FirstMatch(string path)
    {
        foreach (var glob in _globs)
        {
            if (glob.IsMatch(path))
            {
                return glob;
            }
        }

        return null;
    }

    public override string ToString() => string.Join(", ", _globs.Select(g => g.Pattern));
}
