using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// path-safety: paths must be relative, without <c>..</c> segments, control characters or a <c>.git</c>
/// segment; an added or changed symlink must point inside the repository; a new name (added, renamed, copied)
/// must not differ only in case from another path of the change or of the tree after it (directories
/// included), since Windows and macOS would see one file. ExcludePaths exempts files.
/// </summary>
internal sealed class PathSafetyRule(DiffRuleDef def) : DiffRule(def)
{
    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        foreach (var file in context.Changes.Files)
        {
            if (Exclude.IsMatchUnderRoot(file.Path))
            {
                continue;
            }

            foreach (var path in PathsOf(file))
            {
                if (Unsafe(path) is { } reason)
                {
                    findings.Add(Report($"the path '{path}' {reason}", At(file)));
                }
            }

            if (file.NewMode.IsSymlink && file.NewPath is not null && SymlinkTarget(file) is { } target && EscapesRoot(file.NewPath, target))
            {
                findings.Add(Report($"the symlink '{file.NewPath}' points outside the repository ('{target}'): link to a path inside it or copy the file", At(file)));
            }
        }

        CheckCaseCollisions(context, findings);
    }

    internal static string? Unsafe(string path)
    {
        if (path.Length == 0)
        {
            return "is empty";
        }

        if (path[0] is '/' or '\\' || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            return "is absolute: changes must name paths inside the repository";
        }

        if (path.Any(c => c < ' ' || c == '\u007F'))
        {
            return "contains control characters: rename it";
        }

        foreach (var segment in path.Split('/', '\\'))
        {
            if (segment == "..")
            {
                return "has a '..' segment that climbs out of its directory: name the file directly";
            }

            if (segment.Equals(".git", StringComparison.OrdinalIgnoreCase))
            {
                return "is inside a .git directory: a change must not write git's own files";
            }
        }

        return null;
    }

    internal static bool EscapesRoot(string linkPath, string target)
    {
        if (target.Length == 0)
        {
            return false;
        }

        if (target[0] is '/' or '\\' || (target.Length >= 2 && char.IsAsciiLetter(target[0]) && target[1] == ':') || target.StartsWith('~'))
        {
            return true;
        }

        // Depth of the link's directory, then walk the target's segments.
        var depth = linkPath.Split('/').Length - 1;
        foreach (var segment in target.Split('/', '\\'))
        {
            if (segment == "..")
            {
                depth--;
                if (depth < 0)
                {
                    return true;
                }
            }
            else if (segment.Length > 0 && segment != ".")
            {
                depth++;
            }
        }

        return false;
    }

    private static string? SymlinkTarget(FileChange file)
    {
        foreach (var line in file.AddedLines)
        {
            return line.Text;
        }

        if (file.AddedCount > 0 || file.Kind is ChangeKind.Renamed or ChangeKind.Copied || file.NewMode != file.OldMode)
        {
            // Lines were not kept, or a moved link has no hunk: read the target itself.
            return file.ReadNew(4096)?.Text;
        }

        return null;
    }

    private void CheckCaseCollisions(DiffContext context, List<Finding> findings)
    {
        var newNames = context.Changes.Files
            .Where(f => f.NewPath is not null && f.Kind is ChangeKind.Added or ChangeKind.Renamed or ChangeKind.Copied && !Exclude.IsMatchUnderRoot(f.NewPath))
            .ToList();
        if (newNames.Count == 0)
        {
            return;
        }

        var deleted = new HashSet<string>(
            context.Changes.Files.Where(f => f.Kind is ChangeKind.Deleted or ChangeKind.Renamed && f.OldPath is not null).Select(f => f.OldPath!),
            StringComparer.Ordinal);
        var byFolded = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string path)
        {
            if (deleted.Contains(path))
            {
                return;
            }

            // The path and each of its directories.
            for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
            {
                var prefix = path[..end];
                var folded = prefix.ToUpperInvariant();
                if (!byFolded.TryGetValue(folded, out var names))
                {
                    byFolded[folded] = names = new HashSet<string>(StringComparer.Ordinal);
                }

                if (!names.Add(prefix))
                {
                    break;   // this directory and its parents are known already
                }
            }
        }

        foreach (var path in context.Changes.NewTreePaths() ?? [])
        {
            Add(path);
        }

        foreach (var file in context.Changes.Files)
        {
            if (file.NewPath is not null)
            {
                Add(file.NewPath);
            }
        }

        foreach (var file in newNames)
        {
            var path = file.NewPath!;
            for (var end = path.Length; end > 0; end = path.LastIndexOf('/', end - 1))
            {
                var prefix = path[..end];
                if (byFolded.TryGetValue(prefix.ToUpperInvariant(), out var names) && names.Count > 1)
                {
                    var other = names.First(n => n != prefix);
                    findings.Add(Report(
                        $"'{prefix}' differs only in case from '{other}': on case-insensitive file systems (Windows, macOS) they are the same {(end == path.Length ? "file" : "directory")}; rename one",
                        At(file)));
                    break;
                }
            }
        }
    }
}
