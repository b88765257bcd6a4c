using System;
using System.Collections.Generic;

namespace Autopilot.Policy.Patterns;

/// <summary>
/// Several <see cref="Glob"/>s of one <see cref="GlobKind"/>; a path matches when any of them does. Globs without
/// wildcards are looked up in hash tables; each wildcard glob carries the characters of its longest literal run, and
/// is only run on a path that holds all of them (one pass over the path builds its character mask), so most paths
/// are ruled out without matching a single glob. Building a set parses its globs and nothing more.
/// </summary>
internal sealed class GlobSet
{
    public static readonly GlobSet Empty = new([], GlobKind.Path);

    private readonly Glob[] _globs;
    private readonly Dictionary<string, Glob>? _asWritten;   // whole literal paths, as a path is written
    private readonly Dictionary<string, Glob>? _underRoot;   // whole literal paths, relative to the root
    private readonly Dictionary<string, Glob>? _names;       // literal names matched at any depth
    private readonly Wild[] _wild;

    private GlobSet(Glob[] globs, GlobKind kind)
    {
        _globs = globs;
        Kind = kind;
        var wild = new List<Wild>();
        foreach (var glob in globs)
        {
            foreach (var alternative in glob.Alternatives)
            {
                if (alternative.Literal is not { } literal)
                {
                    wild.Add(new Wild(glob, alternative));
                }
                else if (alternative.AnyDepth)
                {
                    Add(ref _names, literal, glob);
                }
                else
                {
                    // Path globs match a rooted path from its first segment; elsewhere a leading '/' is text.
                    if (alternative.Rooted || kind == GlobKind.Path)
                    {
                        Add(ref _asWritten, "/" + literal, glob);
                    }

                    Add(ref _underRoot, literal, glob);
                    if (!alternative.Rooted)
                    {
                        Add(ref _asWritten, literal, glob);
                    }
                }
            }
        }

        _wild = [.. wild];
    }

    public GlobKind Kind { get; }

    public bool IsEmpty => _globs.Length == 0;

    public IReadOnlyList<Glob> Globs => _globs;

    /// <summary>The names when every glob is a plain name (no wildcard, no <c>/</c>), for indexing; otherwise null.</summary>
    public IReadOnlyCollection<string>? PlainNamesOnly =>
        Kind == GlobKind.Name && _wild.Length == 0 && _underRoot is not null && AllUnrooted() ? _underRoot.Keys : null;

    /// <summary>Parses every glob; the first malformed one raises a <see cref="FormatException"/> naming it.</summary>
    public static GlobSet Create(IEnumerable<string>? patterns, GlobKind kind = GlobKind.Path)
    {
        if (patterns is null)
        {
            return kind == GlobKind.Path ? Empty : new GlobSet([], kind);
        }

        var globs = new List<Glob>();
        foreach (var pattern in patterns)
        {
            globs.Add(Glob.Parse(pattern, kind));
        }

        return new GlobSet([.. globs], kind);
    }

    /// <summary>True when <paramref name="path"/> (as written: a leading <c>/</c> makes it rooted) matches a glob.</summary>
    public bool IsMatch(string path) => FirstMatch(path, underRoot: false) is not null;

    /// <summary>True when <paramref name="relativePath"/>, relative to the root (the repository), matches a glob.</summary>
    public bool IsMatchUnderRoot(string relativePath) => FirstMatch(relativePath, underRoot: true) is not null;

    /// <summary>The glob that matches, or null; see <see cref="IsMatch"/> and <see cref="IsMatchUnderRoot"/>.</summary>
    public Glob? FirstMatch(string path, bool underRoot = false)
    {
        if (_globs.Length == 0)
        {
            return null;
        }

        var exact = underRoot ? _underRoot : _asWritten;
        if (exact is not null)
        {
            var key = Kind == GlobKind.Path ? TrimTrailingSlashes(path) : path;
            if (exact.TryGetValue(key, out var hit))
            {
                return hit;
            }
        }

        if (_names is not null && _names.Count > 0 && LastSegment(path) is { } name && _names.TryGetValue(name, out var named))
        {
            return named;
        }

        if (_wild.Length == 0)
        {
            return null;
        }

        Mask(path, out var low, out var high);
        foreach (var wild in _wild)
        {
            if ((wild.Low & ~low) == 0 && (wild.High & ~high) == 0 && wild.Alternative.IsMatch(path, underRoot))
            {
                return wild.Glob;
            }
        }

        return null;
    }

    public override string ToString() => string.Join(", ", Array.ConvertAll(_globs, g => g.Pattern));

    private bool AllUnrooted()
    {
        foreach (var glob in _globs)
        {
            foreach (var alternative in glob.Alternatives)
            {
                if (alternative.Rooted)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static void Add(ref Dictionary<string, Glob>? map, string key, Glob glob)
    {
        map ??= new Dictionary<string, Glob>(StringComparer.Ordinal);
        if (!map.ContainsKey(key))
        {
            map[key] = glob;
        }
    }

    private static string TrimTrailingSlashes(string path)
    {
        var end = path.Length;
        while (end > 1 && path[end - 1] == '/')
        {
            end--;
        }

        return end == path.Length ? path : path.Substring(0, end);
    }

    /// <summary>The last segment (trailing <c>/</c> ignored), or null for the root.</summary>
    private static string? LastSegment(string path)
    {
        var end = path.Length;
        while (end > 1 && path[end - 1] == '/')
        {
            end--;
        }

        var slash = end == 0 ? -1 : path.LastIndexOf('/', end - 1);
        if (slash < 0)
        {
            return end == path.Length ? path : path.Substring(0, end);
        }

        return slash + 1 == end ? null : path.Substring(slash + 1, end - slash - 1);
    }

    /// <summary>Which characters (folded to 7 bits) a text holds: two 64-bit masks.</summary>
    internal static void Mask(string text, out ulong low, out ulong high)
    {
        low = 0;
        high = 0;
        foreach (var c in text)
        {
            var bit = c & 127;
            if (bit < 64)
            {
                low |= 1UL << bit;
            }
            else
            {
                high |= 1UL << (bit - 64);
            }
        }
    }

    private sealed class Wild
    {
        public Wild(Glob glob, Glob.Alternative alternative)
        {
            Glob = glob;
            Alternative = alternative;
            Mask(alternative.RequiredLiteral, out var low, out var high);
            Low = low;
            High = high;
        }

        public Glob Glob { get; }

        public Glob.Alternative Alternative { get; }

        public ulong Low { get; }

        public ulong High { get; }
    }
}
