using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// The projects of one version of a repository, read from its files without MSBuild: for a C# file, the project that
/// compiles it (the nearest folder up with a <c>*.csproj</c>), its target frameworks and configurations with the SDK's
/// preprocessor symbols, its nullable context, and whether it ships. Properties come from the project file and the
/// <c>Directory.Build.props</c> files above it (nearer wins, the project last); properties under a condition are not
/// taken, except target frameworks, which are all taken (more variants only show more of the code).
/// </summary>
internal sealed partial class ProjectReader
{
    /// <summary>Where the project's Sdk attribute is kept among the properties (not a name MSBuild uses).</summary>
    private const string SdkProperty = "<Sdk>";

    private static readonly string[] s_configurations = ["Debug", "Release"];
    private static readonly string[] s_testPackages = ["Microsoft.NET.Test.Sdk", "xunit", "xunit.v3", "NUnit", "MSTest.TestFramework", "MSTest", "TUnit"];

    private readonly Func<string, string?> _read;
    private readonly Dictionary<string, List<string>> _projectsByFolder = new(StringComparer.Ordinal);
    private readonly HashSet<string> _buildProps = new(StringComparer.Ordinal);
    private readonly List<string> _publicApiFiles = [];
    private readonly Dictionary<string, CSharpProject?> _byFolder = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CSharpProject> _byProject = new(StringComparer.Ordinal);

    /// <param name="paths">Every repository-relative path of this version ('/' separators).</param>
    /// <param name="read">Reads a path of this version; null when it cannot.</param>
    public ProjectReader(IEnumerable<string> paths, Func<string, string?> read)
    {
        _read = read;
        foreach (var path in paths)
        {
            var name = FileName(path);
            if (name.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            {
                var folder = Folder(path);
                (_projectsByFolder.TryGetValue(folder, out var list) ? list : _projectsByFolder[folder] = []).Add(path);
            }
            else if (name.Equals("Directory.Build.props", StringComparison.OrdinalIgnoreCase))
            {
                _buildProps.Add(Folder(path));
            }
            else if (name.StartsWith("PublicAPI.", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            {
                _publicApiFiles.Add(path);
            }
        }
    }

    /// <summary>Whether <paramref name="path"/> is a file that sets project properties (a project file or Directory.Build.props).</summary>
    public static bool IsProjectFile(string path) =>
        path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase) || FileName(path).Equals("Directory.Build.props", StringComparison.OrdinalIgnoreCase);

    /// <summary>All the projects of this version whose properties <paramref name="projectFile"/> may set.</summary>
    public IEnumerable<CSharpProject> ProjectsUnder(string projectFile)
    {
        var folder = Folder(projectFile);
        foreach (var (projectFolder, projects) in _projectsByFolder)
        {
            if (folder.Length == 0 || projectFolder == folder || projectFolder.StartsWith(folder + "/", StringComparison.Ordinal))
            {
                foreach (var project in projects.Order(StringComparer.Ordinal).Take(1))
                {
                    yield return Read(project);
                }
            }
        }
    }

    /// <summary>The project that compiles <paramref name="sourcePath"/>, or null when no folder up to the root holds one.</summary>
    public CSharpProject? ProjectOf(string sourcePath)
    {
        var folder = Folder(sourcePath);
        if (_byFolder.TryGetValue(folder, out var cached))
        {
            return cached;
        }

        CSharpProject? found = null;
        for (var current = folder; ; current = Folder(current))
        {
            if (_projectsByFolder.TryGetValue(current, out var projects))
            {
                found = Read(projects.Order(StringComparer.Ordinal).First());
                break;
            }

            if (current.Length == 0)
            {
                break;
            }
        }

        _byFolder[folder] = found;
        return found;
    }

    private CSharpProject Read(string projectPath)
    {
        if (_byProject.TryGetValue(projectPath, out var cached))
        {
            return cached;
        }

        var folder = Folder(projectPath);
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var frameworks = new List<string>();
        var packages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();

        // Directory.Build.props from the root down, then the project: nearer files override farther ones.
        var chain = new List<string>();
        for (var current = folder; ; current = Folder(current))
        {
            if (_buildProps.Contains(current))
            {
                chain.Add(current.Length == 0 ? "Directory.Build.props" : current + "/Directory.Build.props");
            }

            if (current.Length == 0)
            {
                break;
            }
        }

        chain.Reverse();
        chain.Add(projectPath);
        foreach (var file in chain)
        {
            ReadProperties(file, properties, frameworks, packages, problems);
        }

        var name = FileName(projectPath)[..^".csproj".Length];
        var targets = frameworks.SelectMany(f => Expand(f, properties).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(f => !f.Contains("$(", StringComparison.Ordinal))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var defines = Expand(properties.GetValueOrDefault("DefineConstants") ?? "", properties)
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(PreprocessorNames.IsIdentifier)
            .ToList();
        var variants = new List<PreprocessorVariant>();
        foreach (var framework in targets.Count == 0 ? [""] : targets)
        {
            foreach (var configuration in s_configurations)
            {
                variants.Add(new PreprocessorVariant(
                    framework,
                    configuration,
                    [.. PreprocessorNames.FrameworkSymbols(framework), .. PreprocessorNames.ConfigurationSymbols(configuration), .. defines]));
            }
        }

        var nullable = Expand(properties.GetValueOrDefault("Nullable") ?? "", properties).Trim();
        var (ships, why) = Ships(name, folder, properties, packages);
        if (properties.GetValueOrDefault(SdkProperty) is { } sdk && !CompilesCSharp(sdk))
        {
            (ships, why) = (false, $"its SDK ({sdk}) compiles no C#");
        }

        var project = new CSharpProject(name, projectPath)
        {
            Variants = variants,
            Nullable = nullable,
            NullableAnnotations = nullable.Equals("enable", StringComparison.OrdinalIgnoreCase) || nullable.Equals("annotations", StringComparison.OrdinalIgnoreCase),
            Ships = ships,
            Why = problems.Count == 0 ? why : why + "; " + string.Join("; ", problems),
        };
        _byProject[projectPath] = project;
        return project;
    }

    private (bool Ships, string Why) Ships(string name, string folder, Dictionary<string, string> properties, HashSet<string> packages)
    {
        bool? Flag(string property) => properties.TryGetValue(property, out var value) && bool.TryParse(Expand(value, properties).Trim(), out var b) ? b : null;

        var prefix = folder.Length == 0 ? "" : folder + "/";
        if (_publicApiFiles.Any(p => p.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return (true, "it keeps PublicAPI files");
        }

        if (Flag("IsPackable") == false)
        {
            return (false, "IsPackable is false");
        }

        if (Flag("IsTestProject") == true || packages.Any(p => s_testPackages.Contains(p, StringComparer.OrdinalIgnoreCase)))
        {
            return (false, "it is a test project");
        }

        if (Flag("IsPackable") != true && properties.TryGetValue("OutputType", out var output) && output.Trim() is var kind
            && (kind.Equals("Exe", StringComparison.OrdinalIgnoreCase) || kind.Equals("WinExe", StringComparison.OrdinalIgnoreCase)) && Flag("PackAsTool") != true)
        {
            return (false, "it is an application (OutputType " + kind + ")");
        }

        if (TestOrBenchName().IsMatch(name))
        {
            return (false, "its name says it is a test or benchmark project");
        }

        return (true, "a packable library");
    }

    private void ReadProperties(string file, Dictionary<string, string> properties, List<string> frameworks, HashSet<string> packages, List<string> problems)
    {
        var text = _read(file)?.TrimStart('\uFEFF');
        if (text is null)
        {
            return;
        }

        XDocument document;
        try
        {
            document = XDocument.Parse(text);
        }
        catch (XmlException ex)
        {
            problems.Add($"{file} is not valid XML (line {ex.LineNumber}): its properties were not read");
            return;
        }

        if (document.Root?.Attribute("Sdk")?.Value is { } sdk && file.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            properties[SdkProperty] = sdk;
        }

        foreach (var element in document.Descendants())
        {
            var local = element.Name.LocalName;
            if (local is "PackageReference" && element.Attribute("Include")?.Value is { } package)
            {
                packages.Add(package);
                continue;
            }

            if (element.Parent?.Name.LocalName != "PropertyGroup" || element.HasElements)
            {
                continue;
            }

            if (local is "TargetFramework" or "TargetFrameworks")
            {
                frameworks.Add(element.Value);
            }

            if (element.Attribute("Condition") is null && element.Parent.Attribute("Condition") is null)
            {
                // $(Name) inside a value refers to what came before (MSBuild's evaluation order).
                properties[local] = Expand(element.Value, properties);
            }
        }
    }

    /// <summary>Traversal and NoTargets projects build other projects or nothing; every other SDK compiles the C# below it.</summary>
    private static bool CompilesCSharp(string sdk) =>
        !sdk.Contains("Traversal", StringComparison.OrdinalIgnoreCase) && !sdk.Contains("NoTargets", StringComparison.OrdinalIgnoreCase);

    private static string Expand(string value, Dictionary<string, string> properties) =>
        value.Contains("$(", StringComparison.Ordinal)
            ? PropertyReference().Replace(value, m => properties.TryGetValue(m.Groups[1].Value, out var v) && !v.Contains("$(" + m.Groups[1].Value + ")", StringComparison.OrdinalIgnoreCase) ? v : m.Value)
            : value;

    private static string Folder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    private static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyReference();

    [GeneratedRegex(@"(^|[.])(Tests?|UnitTests|IntegrationTests|Specs|Benchmarks?|Perf|Samples?)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TestOrBenchName();
}
