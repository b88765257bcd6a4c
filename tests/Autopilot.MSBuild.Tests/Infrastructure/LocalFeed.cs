using System.Diagnostics;

namespace Autopilot.MSBuild.Tests.Infrastructure;

/// <summary>
/// Every package the repository produces, packed once per test run into a temporary local feed, as
/// a release would: `dotnet pack` of a solution listing the packable projects. Builds go to their own
/// artifacts folder (ArtifactsPath), so this never races the test run's own Debug build or another
/// test project's Release pack in the source tree; the folder persists under artifacts/, so a
/// second run packs incrementally. Consumers restore with a fresh NUGET_PACKAGES folder, so a package
/// cached from an earlier run with the same version is never used by mistake.
/// </summary>
public sealed class LocalFeed : IDisposable
{
    /// <summary>Fixed zip timestamps (2026-01-01) make the packages bit-for-bit reproducible.</summary>
    public const string SourceDateEpoch = "1767225600";

    /// <summary>The packable projects: src/ and, once it is in the repository, the source generator.</summary>
    public static readonly string[] PackableProjects =
    [
        "src/Autopilot.Policy/Autopilot.Policy.csproj",
        "src/Autopilot.Core/Autopilot.Core.csproj",
        "src/Autopilot.Changes/Autopilot.Changes.csproj",
        "src/Autopilot.Native/Autopilot.Native.csproj",
        "src/Autopilot.MSBuild/Autopilot.MSBuild.csproj",
        .. File.Exists(Path.Combine(TestProcess.RepoRoot, GeneratorProject)) ? [GeneratorProject] : Array.Empty<string>(),
    ];

    public const string GeneratorProject = "generators/Autopilot.Generators/Autopilot.Generators.csproj";

    private readonly TempDir _root = new("autopilot-feed-");

    public LocalFeed()
    {
        Version = TestProcess.PackageVersion();
        Feed = Path.Combine(_root.Path, "feed");
        PackagesFolder = Path.Combine(_root.Path, "packages");
        ArtifactsPath = Path.Combine(TestProcess.RepoRoot, "artifacts", "msbuild-tests");
        var watch = Stopwatch.StartNew();
        Pack(Feed, ArtifactsPath);
        PackTime = watch.Elapsed;
    }

    public string Version { get; }

    public string Feed { get; }

    /// <summary>A NUGET_PACKAGES folder of this run only.</summary>
    public string PackagesFolder { get; }

    public string ArtifactsPath { get; }

    public TimeSpan PackTime { get; }

    public string Root => _root.Path;

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Packs every packable project into <paramref name="feed"/>.</summary>
    public void Pack(string feed, string artifactsPath)
    {
        Directory.CreateDirectory(feed);
        var solution = Path.Combine(_root.Path, $"pack-{Guid.NewGuid():N}.slnx");
        var projects = PackableProjects.Select(p =>
            $"  <Project Path=\"{Path.GetRelativePath(_root.Path, Path.Combine(TestProcess.RepoRoot, p))}\" />");
        File.WriteAllText(solution, $"<Solution>\n{string.Join('\n', projects)}\n</Solution>\n");
        TestProcess.Must(
            "dotnet",
            ["pack", solution, "-c", "Release", $"-p:ArtifactsPath={artifactsPath}", $"-p:PackageOutputPath={feed}",
             "-p:UseSharedCompilation=false", "-nodeReuse:false"],
            _root.Path,
            new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = SourceDateEpoch },
            timeoutMs: 900_000);
    }

    public void Dispose() => _root.Dispose();
}

[CollectionDefinition(Name)]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "local feed";
}
