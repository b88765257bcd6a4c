namespace Autopilot.Core.Actions;

/// <summary>Lexical path handling (POSIX separators): absolute form, <c>~</c> form, workspace-relative form, symlinks.</summary>
internal static class PathForms
{
    /// <summary>
    /// The absolute, lexically normalised form of <paramref name="path"/>: <c>~</c>, <c>$HOME</c> and
    /// <c>${HOME}</c> expand to <paramref name="home"/>, relative paths start at <paramref name="cwd"/>,
    /// <c>//</c>, <c>/./</c> and <c>..</c> are resolved, a trailing <c>/</c> is dropped.
    /// </summary>
    public static string ToAbsolute(string path, string cwd, string home)
    {
        var expanded = ExpandHome(path, home);
        if (expanded.Length == 0 || expanded[0] != '/')
        {
            expanded = cwd.TrimEnd('/') + "/" + expanded;
        }

        return Normalize(expanded);
    }

    /// <summary>Replaces a leading <c>~</c>, <c>$HOME</c> or <c>${HOME}</c> with <paramref name="home"/>.</summary>
    public static string ExpandHome(string path, string home)
    {
        var prefix = HomePrefixLength(path);
        return prefix == 0 ? path : home.TrimEnd('/') + path[prefix..];
    }

    /// <summary>Length of a leading <c>~</c>, <c>$HOME</c> or <c>${HOME}</c> that ends at a <c>/</c> or the end; 0 when none.</summary>
    public static int HomePrefixLength(string path)
    {
        int length;
        if (path.StartsWith('~'))
        {
            length = 1;
        }
        else if (path.StartsWith("$HOME", StringComparison.Ordinal))
        {
            length = 5;
        }
        else if (path.StartsWith("${HOME}", StringComparison.Ordinal))
        {
            length = 7;
        }
        else
        {
            return 0;
        }

        return path.Length == length || path[length] == '/' ? length : 0;
    }

    /// <summary>Lexical normalisation of an absolute path (see <see cref="ToAbsolute"/>).</summary>
    public static string Normalize(string absolute)
    {
        if (IsNormal(absolute))
        {
            return absolute;
        }

        var segments = new List<string>();
        foreach (var segment in absolute.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        return "/" + string.Join('/', segments);
    }

    private static bool IsNormal(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        if (path[^1] == '/')
        {
            return false;
        }

        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '/')
            {
                continue;
            }

            // "//", "/./", "/../", "/." or "/.." at the end.
            if (i + 1 < path.Length && path[i + 1] == '/')
            {
                return false;
            }

            if (i + 1 < path.Length && path[i + 1] == '.')
            {
                var after = i + 2 < path.Length ? path[i + 2] : '/';
                if (after == '/' || (after == '.' && (i + 3 >= path.Length || path[i + 3] == '/')))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both normalised).</summary>
    public static bool IsUnder(string path, string root)
    {
        if (root == "/")
        {
            return true;
        }

        return path.Length == root.Length
            ? string.Equals(path, root, StringComparison.Ordinal)
            : path.Length > root.Length && path[root.Length] == '/' && path.StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>The path relative to <paramref name="root"/> (<c>.</c> for the root itself), or null when outside.</summary>
    public static string? Relative(string path, string root)
    {
        if (!IsUnder(path, root))
        {
            return null;
        }

        if (root == "/")
        {
            return path.Length == 1 ? "." : path[1..];
        }

        return path.Length == root.Length ? "." : path[(root.Length + 1)..];
    }

    /// <summary><c>~</c> or <c>~/rest</c> when <paramref name="absolute"/> is under <paramref name="home"/>; null otherwise.</summary>
    public static string? TildeForm(string absolute, string home)
    {
        if (home.Length == 0 || home == "/")
        {
            return null;
        }

        var rel = Relative(absolute, home);
        return rel is null ? null : rel == "." ? "~" : "~/" + rel;
    }

    /// <summary>True when a segment of <paramref name="path"/> is <c>..</c>.</summary>
    public static bool HasParentSegment(string path)
    {
        var index = path.IndexOf("..", StringComparison.Ordinal);
        while (index >= 0)
        {
            var before = index == 0 || path[index - 1] == '/';
            var after = index + 2 == path.Length || path[index + 2] == '/';
            if (before && after)
            {
                return true;
            }

            index = path.IndexOf("..", index + 2, StringComparison.Ordinal);
        }

        return false;
    }

    /// <summary>The last segment of a path (the file name).</summary>
    public static string FileName(string path)
    {
        var end = path.Length;
        while (end > 1 && path[end - 1] == '/')
        {
            end--;
        }

        var slash = path.LastIndexOf('/', Math.Max(0, end - 1));
        return slash < 0 ? path[..end] : path.Substring(slash + 1, end - slash - 1);
    }

    /// <summary>
    /// The physical path: <paramref name="absolute"/> with every symlink that exists on disk resolved
    /// (components that do not exist are kept as written). Null when links loop or nest too deep.
    /// </summary>
    public static string? ResolvePhysical(string absolute, int maxLinks = 40) => ResolvePhysical("/", absolute, maxLinks);

    /// <summary>
    /// Like <see cref="ResolvePhysical(string, int)"/> for <paramref name="relative"/> below <paramref name="physicalStart"/>,
    /// a folder already resolved (so only the components below it are looked at on disk).
    /// </summary>
    public static string? ResolvePhysical(string physicalStart, string relative, int maxLinks = 40)
    {
        var pending = new Stack<string>();
        PushSegments(pending, relative);
        var current = physicalStart;
        var links = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == "..")
            {
                current = Parent(current);
                continue;
            }

            var next = current == "/" ? "/" + segment : current + "/" + segment;
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                target = null;
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > maxLinks)
            {
                return null;
            }

            if (target.StartsWith('/'))
            {
                current = "/";
            }

            PushSegments(pending, target);
        }

        return current;
    }

    private static void PushSegments(Stack<string> pending, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i] != ".")
            {
                pending.Push(segments[i]);
            }
        }
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
