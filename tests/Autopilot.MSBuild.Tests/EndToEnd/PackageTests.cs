using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml.Linq;
using Autopilot.MSBuild.Tests.Infrastructure;

namespace Autopilot.MSBuild.Tests.EndToEnd;

/// <summary>What `dotnet pack` puts in each package: README, license, repository, one version, the right layout.</summary>
[Collection(LocalFeedCollection.Name)]
public sealed class PackageTests
{
    private readonly LocalFeed _feed;

    public PackageTests(LocalFeed feed) => _feed = feed;

    public static TheoryData<string> PackageIds
    {
        get
        {
            var ids = new TheoryData<string> { "Autopilot.Policy", "Autopilot.Core", "Autopilot.Changes", "Autopilot.Tool", "Autopilot.MSBuild" };
            if (LocalFeed.PackableProjects.Contains(LocalFeed.GeneratorProject))
            {
                ids.Add("Autopilot.Generators");
            }

            return ids;
        }
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void EveryPackageHasReadmeLicenseRepositoryAndTheOneVersion(string id)
    {
        using var zip = ZipFile.OpenRead(_feed.PackagePath(id));
        var nuspec = Nuspec(zip);
        string? Meta(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");

        Assert.Equal(id, Meta("id"));
        Assert.Equal(_feed.Version, Meta("version"));
        Assert.Equal("MIT", Meta("license"));
        Assert.Equal("README.md", Meta("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Meta("description")));
        Assert.StartsWith("https://github.com/", (string?)repository.Attribute("url"));
        Assert.Equal("git", (string?)repository.Attribute("type"));
        var readme = zip.GetEntry("README.md");
        Assert.NotNull(readme);
        using var reader = new StreamReader(readme.Open());
        Assert.StartsWith("# ", reader.ReadToEnd());
    }

    [Fact]
    public void TheMSBuildPackageCarriesItsTargetsTaskAndToolAndNothingForTheCompiler()
    {
        using var zip = ZipFile.OpenRead(_feed.PackagePath("Autopilot.MSBuild"));
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Contains("build/Autopilot.MSBuild.props", entries);
        Assert.Contains("build/Autopilot.MSBuild.targets", entries);
        Assert.Contains("tasks/netstandard2.0/Autopilot.MSBuild.dll", entries);
        Assert.Contains("tools/net10.0/autopilot.dll", entries);
        Assert.Contains("tools/net10.0/autopilot.runtimeconfig.json", entries);
        Assert.Contains("tools/net10.0/autopilot.deps.json", entries);
        Assert.Contains("tools/net10.0/Autopilot.Changes.dll", entries);
        Assert.Contains("tools/net10.0/Microsoft.CodeAnalysis.CSharp.dll", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("ref/", StringComparison.Ordinal));

        var nuspec = Nuspec(zip);
        Assert.Equal("true", nuspec.Descendants().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Fact]
    public void TheToolPackageNamesAPackagePerPlatformAndThePortableFallback()
    {
        // The package users ask for carries no program: it points at one package per RID (docs/native.md).
        using var zip = ZipFile.OpenRead(_feed.PackagePath("Autopilot.Tool"));
        var nuspec = Nuspec(zip);
        Assert.Equal("DotnetTool", (string?)nuspec.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name"));
        var settings = zip.Entries.Single(e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
        using var reader = new StreamReader(settings.Open());
        var xml = XDocument.Parse(reader.ReadToEnd());
        var rids = xml.Descendants().Where(e => e.Name.LocalName == "RuntimeIdentifierPackage").Select(e => (string?)e.Attribute("RuntimeIdentifier")).ToList();
        Assert.Equal(["linux-x64", "linux-arm64", "osx-arm64", "win-x64", "any"], rids);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.EndsWith("autopilot.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void PackingAgainWithTheSameSourcesGivesTheSameBytes()
    {
        var second = Path.Combine(_feed.Root, "feed-again");
        _feed.Pack(second, _feed.ArtifactsPath);

        foreach (var first in Directory.EnumerateFiles(_feed.Feed, "*.nupkg"))
        {
            Assert.Equal(Hash(first), Hash(Path.Combine(second, Path.GetFileName(first))));
        }
    }

    [Fact]
    public void TheGeneratorPackageHasTheGeneratorItsDependenciesAndItsBuildFilesWhereNuGetLooks()
    {
        using var zip = ZipFile.OpenRead(_feed.PackagePath("Autopilot.Generators"));
        var entries = zip.Entries.Select(e => e.FullName)
            .Where(e => !e.StartsWith("_rels/", StringComparison.Ordinal) && !e.StartsWith("package/", StringComparison.Ordinal)
                && e != "[Content_Types].xml" && e != "Autopilot.Generators.nuspec")
            .Order(StringComparer.Ordinal);

        // The compiler loads analyzers/dotnet/cs/*.dll (all of them, so the generator finds its dependencies
        // next to it); NuGet imports build/<id>.props and build/<id>.targets. Nothing for the consumer's
        // compilation or output (no lib/, ref/): the generator is a build-time tool only.
        Assert.Equal(
            new[]
            {
                "README.md",
                "analyzers/dotnet/cs/Autopilot.Generators.dll",
                "analyzers/dotnet/cs/Autopilot.Policy.dll",
                "analyzers/dotnet/cs/YamlDotNet.dll",
                "build/Autopilot.Generators.props",
                "build/Autopilot.Generators.targets",
            },
            entries);

        var buildFolder = Path.Combine(TestProcess.RepoRoot, "generators", "Autopilot.Generators", "build");
        foreach (var name in new[] { "Autopilot.Generators.props", "Autopilot.Generators.targets" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(buildFolder, name)), Bytes(zip, "build/" + name));
        }

        // One policy language: the generator runs the very Autopilot.Policy.dll the Autopilot.Policy package ships.
        using var policyPackage = ZipFile.OpenRead(_feed.PackagePath("Autopilot.Policy"));
        Assert.Equal(Bytes(policyPackage, "lib/netstandard2.0/Autopilot.Policy.dll"), Bytes(zip, "analyzers/dotnet/cs/Autopilot.Policy.dll"));

        var nuspec = Nuspec(zip);
        Assert.Equal("true", nuspec.Descendants().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Theory]
    [InlineData("GateSample")]
    [InlineData("GeneratorSample")]
    public void EachSampleReferencesThePackageVersionTheRepositoryBuilds(string sample)
    {
        var project = XDocument.Load(Path.Combine(TestProcess.RepoRoot, "samples", sample, sample + ".csproj"));
        var references = project.Descendants("PackageReference")
            .Where(e => ((string?)e.Attribute("Include"))?.StartsWith("Autopilot.", StringComparison.Ordinal) == true)
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.Equal(_feed.Version, (string?)reference.Attribute("Version")));
        Assert.All(references, reference => Assert.True(File.Exists(_feed.PackagePath((string)reference.Attribute("Include")!)), reference.ToString()));
    }

    private static XDocument Nuspec(ZipArchive zip)
    {
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    private static byte[] Bytes(ZipArchive zip, string entry)
    {
        using var stream = (zip.GetEntry(entry) ?? throw new InvalidOperationException($"No {entry} in the package.")).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
