using System;
using System.Collections.Generic;
using System.Text;

namespace Autopilot.Policy.Patterns;

/// <summary>How a <see cref="Glob"/> is applied: the syntax is the same, the spelling rules around it differ.</summary>
internal enum GlobKind
{
    /// <summary>
    /// A path glob (gitignore rules): a leading <c>/</c> (or <c>./</c>) anchors at the root, a trailing <c>/</c> means
    /// the folder and everything under it, a pattern without <c>/</c> matches a name at any depth, any other pattern is
    /// matched from the path's first segment. A trailing <c>/</c> on the path itself is ignored.
    /// </summary>
    Path,

    /// <summary>
    /// A path written as a command argument or redirection target (<c>rm -rf ./</c>): a pattern without <c>/</c>
    /// matches a name at any depth (<c>..</c> matches <c>foo/..</c>), but a leading <c>/</c> or <c>./</c> and a
    /// trailing <c>/</c> are literal text, since <c>./</c> and <c>../</c> are what the argument says.
    /// </summary>
    Argument,

    /// <summary>A name (program, tool, flag, command word): the whole text must match; <c>*</c> and <c>?</c> still stop at <c>/</c>.</summary>
    Name,
}

/// <summary>
/// The project's one glob dialect (docs/globs.md), parsed once and matched by hand: no regular expression is built.
/// <list type="bullet">
/// <item><c>*</c> matches any run of characters within one segment (never <c>/</c>); <c>?</c> one character of a segment.</item>
/// <item><c>**</c> as a whole segment matches zero or more segments: <c>**/x</c> is <c>x</c> at any depth, <c>a/**</c> is
/// <c>a</c> and everything below it, <c>a/**/b</c> is <c>a/b</c>, <c>a/x/b</c>, …; elsewhere (<c>a**</c>) it is a <c>*</c>.</item>
/// <item><c>[abc]</c>, <c>[a-z]</c>, <c>[!abc]</c> (or <c>[^abc]</c>) match one character of (or not of) a class, never
/// <c>/</c>; a <c>]</c> right after the opening (or after <c>!</c>/<c>^</c>) is a member.</item>
/// <item><c>{a,b}</c> are alternatives (nested, and across segments: <c>{src,test}/**</c>); at most
/// <see cref="MaxAlternatives"/> after expansion.</item>
/// <item><c>\</c> makes the next character literal; everything else (<c>~</c>, <c>.</c>, <c>(</c>, …) is literal.</item>
/// <item>With <see cref="GlobKind.Path"/>: a trailing <c>/</c> means the folder and everything under it; a leading
/// <c>/</c> (or <c>./</c>) anchors at the root and then matches only a rooted path (an absolute path, or a
/// repository path given to <see cref="IsMatchUnderRoot"/>); a pattern without <c>/</c> matches the name at any
/// depth; any other pattern (<c>src/*.cs</c>) is matched from the path's first segment. <c>/</c> alone is the root itself.</item>
/// <item>Matching is case-sensitive (ordinal) and anchored: the whole path (or name) must match.</item>
/// </list>
/// Matching walks the segments with the two-pointer wildcard algorithm (at most one <c>**</c> and one <c>*</c> are
/// ever backtracked to), so its cost is bounded by pattern length times path length: no input can make it blow up.
/// </summary>
internal sealed class Glob
{
    /// <summary>The most alternatives a glob's braces may expand to.</summary>
    public const int MaxAlternatives = 256;

    private readonly Alternative[] _alternatives;

    private Glob(string pattern, GlobKind kind, Alternative[] alternatives)
    {
        Pattern = pattern;
        Kind = kind;
        _alternatives = alternatives;
    }

    /// <summary>The glob as written.</summary>
    public string Pattern { get; }

    public GlobKind Kind { get; }

    internal IReadOnlyList<Alternative> Alternatives => _alternatives;

    /// <summary>Parses <paramref name="pattern"/>; a malformed glob raises a <see cref="FormatException"/> that says what is wrong.</summary>
    public static Glob Parse(string pattern, GlobKind kind = GlobKind.Path)
    {
        var glob = TryParse(pattern, kind, out var error);
        return glob ?? throw new FormatException($"glob '{pattern}': {error}");
    }

    /// <summary>The glob, or null and <paramref name="error"/> saying what is wrong with it.</summary>
    public static Glob? TryParse(string pattern, GlobKind kind, out string? error)
    {
        if (pattern is null)
        {
            throw new ArgumentNullException(nameof(pattern));
        }

        if (pattern.Length == 0)
        {
            error = "an empty glob matches nothing";
            return null;
        }

        var texts = new List<string>();
        error = Expand(pattern, texts);
        if (error is not null)
        {
            return null;
        }

        var alternatives = new Alternative[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            alternatives[i] = Alternative.Parse(texts[i], kind);
        }

        return new Glob(pattern, kind, alternatives);
    }

    /// <summary>Null when <paramref name="pattern"/> is a well-formed glob; otherwise what is wrong (the policy validator's check).</summary>
    public static string? Validate(string pattern, GlobKind kind = GlobKind.Path)
    {
        TryParse(pattern, kind, out var error);
        return error;
    }

    /// <summary>True when <paramref name="pattern"/> has a character with a glob meaning (<c>* ? [ { \</c>).</summary>
    public static bool ContainsWildcards(string pattern) => pattern.IndexOfAny(s_special) >= 0;

    private static readonly char[] s_special = ['*', '?', '[', '{', '\\'];

    /// <summary>
    /// True when <paramref name="path"/> matches. For a path glob a path that starts with <c>/</c> is rooted (absolute);
    /// any other is matched from its first segment and never matches a pattern anchored with a leading <c>/</c>. For
    /// the other kinds a leading <c>/</c> is text on both sides (<c>/*</c> matches <c>/usr</c>, not <c>usr</c>).
    /// </summary>
    public bool IsMatch(string path)
    {
        foreach (var alternative in _alternatives)
        {
            if (alternative.IsMatch(path, underRoot: false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="relativePath"/>, a path relative to the root (the repository root for the change
    /// gate and <c>check path</c>), matches: as <see cref="IsMatch"/> of <c>"/" + relativePath</c>, without the copy.
    /// </summary>
    public bool IsMatchUnderRoot(string relativePath)
    {
        foreach (var alternative in _alternatives)
        {
            if (alternative.IsMatch(relativePath, underRoot: true))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Pattern;

    // ------------------------------------------------------------------ braces

    /// <summary>Expands <c>{a,b}</c> into whole alternatives (escapes and classes kept as written); null or an error.</summary>
    private static string? Expand(string pattern, List<string> results)
    {
        // Check the whole pattern first, so errors name positions in what the user wrote.
        var depth = 0;
        var hasBraces = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        return "it ends in a lone '\\' (escape it as '\\\\')";
                    }

                    i++;
                    break;
                case '[':
                    var close = ClassEnd(pattern, i);
                    if (close < 0)
                    {
                        return $"'[' at position {i + 1} is never closed";
                    }

                    i = close;
                    break;
                case '{':
                    depth++;
                    hasBraces = true;
                    break;
                case '}':
                    if (--depth < 0)
                    {
                        return $"'}}' at position {i + 1} has no matching '{{' (escape it as '\\}}')";
                    }

                    break;
            }
        }

        if (depth != 0)
        {
            return "a '{' is never closed";
        }

        if (!hasBraces)
        {
            results.Add(pattern);
            return null;
        }

        return ExpandInto(pattern, results) ? null : $"its braces expand to more than {MaxAlternatives} alternatives";
    }

    private static bool ExpandInto(string text, List<string> results)
    {
        // The first group and its parts at its own level (the pattern is known to be well formed).
        var open = -1;
        var level = 0;
        var start = 0;
        var closeAt = -1;
        var parts = new List<(int Start, int End)>();
        for (var i = 0; i < text.Length && closeAt < 0; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = ClassEnd(text, i);
                    break;
                case '{' when open < 0:
                    open = i;
                    start = i + 1;
                    break;
                case '{':
                    level++;
                    break;
                case '}' when open >= 0 && level > 0:
                    level--;
                    break;
                case '}' when open >= 0:
                    parts.Add((start, i));
                    closeAt = i;
                    break;
                case ',' when open >= 0 && level == 0:
                    parts.Add((start, i));
                    start = i + 1;
                    break;
            }
        }

        if (open < 0)
        {
            if (results.Count >= MaxAlternatives)
            {
                return false;
            }

            results.Add(text);
            return true;
        }

        var prefix = text.Substring(0, open);
        var suffix = text.Substring(closeAt + 1);
        foreach (var (s, e) in parts)
        {
            if (!ExpandInto(prefix + text.Substring(s, e - s) + suffix, results))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index of the <c>]</c> that closes the class opened at <paramref name="open"/>, or -1.</summary>
    internal static int ClassEnd(string text, int open)
    {
        var k = open + 1;
        if (k < text.Length && text[k] is '!' or '^')
        {
            k++;
        }

        // A ']' right after the opening is a member of the class.
        if (k < text.Length && text[k] == ']')
        {
            k++;
        }

        for (; k < text.Length; k++)
        {
            if (text[k] == '\\')
            {
                k++;
            }
            else if (text[k] == ']')
            {
                return k;
            }
        }

        return -1;
    }

    // ------------------------------------------------------------------ one alternative

    /// <summary>One brace-free alternative: its segments and how it is anchored.</summary>
    internal sealed class Alternative
    {
        private readonly Segment[] _segments;

        private Alternative(Segment[] segments, bool rooted, bool anyDepth, bool pathRules)
        {
            _segments = segments;
            Rooted = rooted;
            AnyDepth = anyDepth;
            PathRules = pathRules;
        }

        /// <summary>Matches only rooted paths (the pattern began with <c>/</c>).</summary>
        public bool Rooted { get; }

        /// <summary>The pattern had no <c>/</c>: it matches a path's last segment (its segments start with <c>**</c>).</summary>
        public bool AnyDepth { get; }

        /// <summary><see cref="GlobKind.Path"/>: a trailing <c>/</c> on the path is ignored.</summary>
        public bool PathRules { get; }

        /// <summary>
        /// The whole path text this alternative matches when it has no wildcards (root <c>/</c> not included), else null;
        /// for an <see cref="AnyDepth"/> alternative, the name.
        /// </summary>
        public string? Literal { get; private set; }

        /// <summary>The longest literal run every matching path contains, for a set's prefilter; empty when there is none.</summary>
        public string RequiredLiteral { get; private set; } = "";

        public static Alternative Parse(string text, GlobKind kind)
        {
            var rooted = false;
            var folder = false;
            var body = text;
            if (kind == GlobKind.Path)
            {
                while (body.StartsWith("./", StringComparison.Ordinal))
                {
                    body = body.Substring(2);
                    rooted = true;
                }

                if (body.StartsWith("/", StringComparison.Ordinal))
                {
                    body = body.TrimStart('/');
                    rooted = true;
                }

                while (body.Length > 0 && body[body.Length - 1] == '/' && !IsEscaped(body, body.Length - 1))
                {
                    body = body.Substring(0, body.Length - 1);
                    folder = true;
                }
            }

            // Outside path globs a leading '/' is text: "/*" is an empty segment, then any one segment.

            var raw = SplitSegments(body);
            var anyDepth = kind != GlobKind.Name && !rooted && raw.Count == 1;
            var segments = new List<Segment>();
            if (anyDepth)
            {
                segments.Add(Segment.GlobStar);
            }

            foreach (var part in raw)
            {
                var segment = Segment.Parse(part);
                if (segment.IsGlobStar && segments.Count > 0 && segments[segments.Count - 1].IsGlobStar)
                {
                    continue;
                }

                segments.Add(segment);
            }

            // "src/" is "src/**": the folder itself and everything under it; "/" alone stays the root itself.
            if (folder && body.Length > 0 && !segments[segments.Count - 1].IsGlobStar)
            {
                segments.Add(Segment.GlobStar);
            }

            var alternative = new Alternative([.. segments], rooted, anyDepth, kind == GlobKind.Path);
            alternative.Describe();
            return alternative;
        }

        private void Describe()
        {
            var literal = true;
            var best = "";
            var builder = new StringBuilder();
            for (var i = AnyDepth ? 1 : 0; i < _segments.Length; i++)
            {
                var segment = _segments[i];
                var run = segment.LiteralText ?? segment.LongestLiteralRun;
                if (run.Length > best.Length)
                {
                    best = run;
                }

                if (segment.LiteralText is null)
                {
                    literal = false;
                }
                else
                {
                    builder.Append(builder.Length > 0 || i > (AnyDepth ? 1 : 0) ? "/" : "").Append(segment.LiteralText);
                }
            }

            Literal = literal ? builder.ToString() : null;
            RequiredLiteral = best;
        }

        private static bool IsEscaped(string text, int index)
        {
            var backslashes = 0;
            for (var i = index - 1; i >= 0 && text[i] == '\\'; i--)
            {
                backslashes++;
            }

            return backslashes % 2 == 1;
        }

        private static List<string> SplitSegments(string body)
        {
            var parts = new List<string>();
            var start = 0;
            for (var i = 0; i < body.Length; i++)
            {
                switch (body[i])
                {
                    case '\\':
                        // An escaped '/' is still a separator: a segment never holds one.
                        if (i + 1 < body.Length && body[i + 1] == '/')
                        {
                            parts.Add(body.Substring(start, i - start));
                            start = i + 2;
                        }

                        i++;
                        break;
                    case '[':
                        i = ClassEnd(body, i);
                        break;
                    case '/':
                        parts.Add(body.Substring(start, i - start));
                        start = i + 1;
                        break;
                }
            }

            parts.Add(body.Substring(start));
            return parts;
        }

        public bool IsMatch(string path, bool underRoot)
        {
            var start = 0;
            var rooted = underRoot;
            if (PathRules && !underRoot && path.Length > 0 && path[0] == '/')
            {
                rooted = true;
                start = 1;
            }

            // A pattern anchored with '/' needs a rooted path.
            if (Rooted && !rooted)
            {
                return false;
            }

            var end = path.Length;
            if (PathRules || AnyDepth)
            {
                // "src/" names the folder "src".
                while (end > start + 1 && path[end - 1] == '/')
                {
                    end--;
                }
            }

            return MatchSegments(path, start, end);
        }

        /// <summary>Segments of the pattern against the path's segments in [start, end): <c>**</c> is the only backtracking point.</summary>
        private bool MatchSegments(string path, int start, int end)
        {
            var segments = _segments;
            var pi = 0;
            var pos = start;          // start of the current path segment; end + 1 once every segment is used
            var starPi = -1;
            var starPos = -1;
            while (true)
            {
                if (pi < segments.Length && segments[pi].IsGlobStar)
                {
                    starPi = pi++;
                    starPos = pos;
                    continue;
                }

                if (pos <= end)
                {
                    var segEnd = SegmentEnd(path, pos, end);
                    if (pi < segments.Length && segments[pi].IsMatch(path, pos, segEnd))
                    {
                        pi++;
                        pos = segEnd + 1;
                        continue;
                    }
                }
                else if (pi == segments.Length)
                {
                    return true;
                }

                if (starPi < 0 || starPos > end)
                {
                    return false;
                }

                // Let the last '**' take one more segment and try again from there.
                starPos = SegmentEnd(path, starPos, end) + 1;
                pos = starPos;
                pi = starPi + 1;
            }
        }

        private static int SegmentEnd(string path, int pos, int end)
        {
            var slash = pos < end ? path.IndexOf('/', pos, end - pos) : -1;
            return slash < 0 ? end : slash;
        }
    }

    // ------------------------------------------------------------------ one segment

    /// <summary>One segment of a pattern: <c>**</c>, plain text, or atoms (characters, <c>?</c>, <c>*</c>, classes).</summary>
    internal sealed class Segment
    {
        public static readonly Segment GlobStar = new(isGlobStar: true, null, [], []);

        private const int Star = -1;
        private const int AnyChar = -2;
        private const int FirstClass = -3;

        // >= 0: that character; Star; AnyChar; FirstClass - k: class k.
        private readonly int[] _atoms;
        private readonly CharClass[] _classes;

        private Segment(bool isGlobStar, string? literal, int[] atoms, CharClass[] classes)
        {
            IsGlobStar = isGlobStar;
            LiteralText = literal;
            _atoms = atoms;
            _classes = classes;
        }

        public bool IsGlobStar { get; }

        /// <summary>The segment's text when it has no wildcard.</summary>
        public string? LiteralText { get; }

        /// <summary>The longest run of literal characters (for a set's prefilter).</summary>
        public string LongestLiteralRun
        {
            get
            {
                var best = "";
                var run = new StringBuilder();
                foreach (var atom in _atoms)
                {
                    if (atom >= 0)
                    {
                        run.Append((char)atom);
                        continue;
                    }

                    if (run.Length > best.Length)
                    {
                        best = run.ToString();
                    }

                    run.Clear();
                }

                return run.Length > best.Length ? run.ToString() : best;
            }
        }

        public static Segment Parse(string text)
        {
            if (text == "**")
            {
                return GlobStar;
            }

            var atoms = new List<int>(text.Length);
            var classes = new List<CharClass>();
            var wild = false;
            var literal = new StringBuilder(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                switch (c)
                {
                    case '*':
                        // "**" inside a segment is a '*'; consecutive stars are one.
                        wild = true;
                        if (atoms.Count == 0 || atoms[atoms.Count - 1] != Star)
                        {
                            atoms.Add(Star);
                        }

                        break;
                    case '?':
                        wild = true;
                        atoms.Add(AnyChar);
                        break;
                    case '[':
                        wild = true;
                        var close = ClassEnd(text, i);
                        classes.Add(CharClass.Parse(text, i + 1, close));
                        atoms.Add(FirstClass - (classes.Count - 1));
                        i = close;
                        break;
                    case '\\':
                        i++;
                        atoms.Add(text[i]);
                        literal.Append(text[i]);
                        break;
                    default:
                        atoms.Add(c);
                        literal.Append(c);
                        break;
                }
            }

            return wild
                ? new Segment(isGlobStar: false, null, [.. atoms], [.. classes])
                : new Segment(isGlobStar: false, literal.ToString(), [], []);
        }

        /// <summary>True when path[start, end) matches; the classic two-pointer wildcard algorithm (linear backtracking to the last '*').</summary>
        public bool IsMatch(string path, int start, int end)
        {
            if (LiteralText is { } literal)
            {
                return end - start == literal.Length && string.CompareOrdinal(path, start, literal, 0, literal.Length) == 0;
            }

            var atoms = _atoms;
            var p = 0;
            var t = start;
            var starP = -1;
            var starT = 0;
            while (t < end)
            {
                if (p < atoms.Length && atoms[p] != Star && AtomMatches(atoms[p], path[t]))
                {
                    p++;
                    t++;
                }
                else if (p < atoms.Length && atoms[p] == Star)
                {
                    starP = p++;
                    starT = t;
                }
                else if (starP >= 0)
                {
                    p = starP + 1;
                    t = ++starT;
                }
                else
                {
                    return false;
                }
            }

            while (p < atoms.Length && atoms[p] == Star)
            {
                p++;
            }

            return p == atoms.Length;
        }

        private bool AtomMatches(int atom, char c) =>
            atom >= 0 ? atom == c : atom == AnyChar || _classes[FirstClass - atom].Contains(c);
    }

    /// <summary>A character class: members and ranges, maybe negated; never matches <c>/</c>.</summary>
    internal sealed class CharClass
    {
        private readonly string _singles;
        private readonly char[] _ranges;   // pairs: low, high
        private readonly bool _negated;

        private CharClass(string singles, char[] ranges, bool negated)
        {
            _singles = singles;
            _ranges = ranges;
            _negated = negated;
        }

        /// <summary>The class between '[' and ']' at [from, close).</summary>
        public static CharClass Parse(string text, int from, int close)
        {
            var k = from;
            var negated = false;
            if (k < close && text[k] is '!' or '^')
            {
                negated = true;
                k++;
            }

            var members = new List<char>();
            for (; k < close; k++)
            {
                var c = text[k];
                if (c == '\\' && k + 1 < close)
                {
                    c = text[++k];
                }

                members.Add(c);
            }

            // Ranges: "a-z" (a '-' first or last is a member).
            var singles = new StringBuilder();
            var ranges = new List<char>();
            for (var i = 0; i < members.Count; i++)
            {
                if (i + 2 < members.Count && members[i + 1] == '-')
                {
                    ranges.Add(members[i]);
                    ranges.Add(members[i + 2]);
                    i += 2;
                }
                else
                {
                    singles.Append(members[i]);
                }
            }

            return new CharClass(singles.ToString(), [.. ranges], negated);
        }

        public bool Contains(char c)
        {
            if (c == '/')
            {
                return false;
            }

            var member = _singles.IndexOf(c) >= 0;
            for (var i = 0; !member && i < _ranges.Length; i += 2)
            {
                member = c >= _ranges[i] && c <= _ranges[i + 1];
            }

            return member != _negated;
        }
    }
}
