namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// The project files that own a source file: those in the nearest folder, from the file's own folder up to the
/// repository root, that holds any <c>*.csproj</c> (the SDK compiles every .cs file below a project by default).
/// </summary>
internal sealed class ProjectFinder(string repositoryRoot)
{
    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(repositoryRoot));
    private readonly Dictionary<string, string[]> _byFolder = new(PathComparer);

    public static StringComparer PathComparer { get; } = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>Project files for <paramref name="fullPath"/>, nearest first; empty when no folder up to the root has one.</summary>
    public IReadOnlyList<string> Find(string fullPath)
    {
        for (var folder = Path.GetDirectoryName(fullPath); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (!IsUnderRoot(folder))
            {
                break;
            }

            if (!_byFolder.TryGetValue(folder, out var projects))
            {
                projects = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.csproj").Order(StringComparer.Ordinal).ToArray() : [];
                _byFolder[folder] = projects;
            }

            if (projects.Length > 0)
            {
                return projects;
            }
        }

        return [];
    }

    private bool IsUnderRoot(string folder)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(folder);
        return PathComparer.Equals(trimmed, _root)
            || trimmed.StartsWith(_root + Path.DirectorySeparatorChar, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
