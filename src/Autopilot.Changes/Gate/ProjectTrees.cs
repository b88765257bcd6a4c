using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.CSharp;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Gate;

/// <summary>The projects before and after a change, read from the change's trees (when the source knows them).</summary>
internal static class ProjectTrees
{
    /// <summary>Readers for the old and new trees; (null, null) when the source does not know the tree (a bare diff).</summary>
    public static (ProjectReader? Old, ProjectReader? New) Read(ChangeSet changes)
    {
        if (!changes.HasBase || changes.NewTreePaths() is not { } newTree)
        {
            return (null, null);
        }

        // The old tree is the new one without what the change added, with what it deleted or moved away.
        var byNewPath = new Dictionary<string, FileChange>(StringComparer.Ordinal);
        var oldTree = new HashSet<string>(newTree, StringComparer.Ordinal);
        foreach (var file in changes.Files)
        {
            if (file.NewPath is not null)
            {
                byNewPath[file.NewPath] = file;
                if (file.Kind is ChangeKind.Added or ChangeKind.Copied or ChangeKind.Renamed)
                {
                    oldTree.Remove(file.NewPath);
                }
            }

            if (file.OldPath is not null && file.Kind is not ChangeKind.Copied)
            {
                oldTree.Add(file.OldPath);
            }
        }

        // A project file the change did not touch is read once for both sides.
        var baseTexts = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? Base(string path) => baseTexts.TryGetValue(path, out var text) ? text : baseTexts[path] = Text(changes.OpenBase(path));
        var old = new ProjectReader(oldTree, Base);
        var @new = new ProjectReader(newTree, path => byNewPath.TryGetValue(path, out var changed) ? changed.ReadNew()?.Text : Base(path));
        return (old, @new);
    }

    /// <summary>
    /// The project that compiles <paramref name="path"/>; null when unknown (no tree, or no project file above it: then
    /// the file is judged, failing safe; a file under a Traversal or NoTargets project is in a project that does not ship).
    /// </summary>
    public static CSharpProject? Owner(ProjectReader? projects, string path) => projects?.ProjectOf(path);

    /// <summary>
    /// A project's <c>&lt;Nullable&gt;</c> that changed turns the annotations of all its public API on or off without touching
    /// a source file: a public-api finding per shipping project says so.
    /// </summary>
    public static IEnumerable<Finding> NullableChanges(IReadOnlyList<FileChange> projectFiles, ProjectReader old, ProjectReader @new, IReadOnlyList<DiffRuleDef> rules)
    {
        var rule = rules.FirstOrDefault(r => r.Kind == CSharpRules.PublicApi);
        if (rule is null)
        {
            yield break;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in projectFiles.Where(f => f.NewPath is not null && f.Kind != ChangeKind.Added))
        {
            foreach (var after in @new.ProjectsUnder(file.NewPath!))
            {
                if (!seen.Add(after.File) || !after.Ships || PathGlob.IsMatchAny(rule.ExcludePaths, after.File))
                {
                    continue;
                }

                var before = old.ProjectsUnder(after.File).FirstOrDefault(p => p.File == after.File);
                if (before is not null && before.NullableAnnotations != after.NullableAnnotations)
                {
                    yield return new Finding(
                        rule.Id,
                        Severity.Info,
                        $"Public API nullable annotations changed: <Nullable> of {after.Name} went from '{before.Nullable}' to '{after.Nullable}' ({file.Path}), which turns the nullable annotations of its public API {(after.NullableAnnotations ? "on" : "off")}.",
                        new SourceLocation(file.Path, 1, 1));
                }
            }
        }
    }

    private static string? Text(Stream? stream)
    {
        if (stream is null)
        {
            return null;
        }

        using (stream)
        {
            return FileContent.Read(stream, FileChange.DefaultMaxContentBytes).Text.TrimStart('\uFEFF');
        }
    }
}
