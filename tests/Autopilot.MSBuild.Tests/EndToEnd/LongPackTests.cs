using System.IO.Compression;
using System.Security.Cryptography;
using Autopilot.MSBuild.Tests.Infrastructure;

namespace Autopilot.MSBuild.Tests.EndToEnd;

/// <summary>
/// Full rebuilds, minutes each on two cores: only with AUTOPILOT_LONG_TESTS=1.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class LongPackTests
{
    private readonly LocalFeed _feed;

    public LongPackTests(LocalFeed feed) => _feed = feed;

    [LongFact]
    public void TwoCleanCiBuildsGiveTheSamePackages()
    {
        // The same folder each time, emptied: a clean build from scratch twice. (Clones in different
        // places also agree, because ContinuousIntegrationBuild maps the source root to /_/; an
        // output folder outside the source root would put its own path into the PDB reference.)
        var artifacts = Path.Combine(TestProcess.RepoRoot, "artifacts", "msbuild-tests-ci");
        var hashes = new List<Dictionary<string, string>>();
        foreach (var run in new[] { "a", "b" })
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }

            var feed = Path.Combine(_feed.Root, "ci-feed-" + run);
            Directory.CreateDirectory(feed);
            TestProcess.Must(
                "dotnet",
                ["pack", Path.Combine(TestProcess.RepoRoot, "src", "Autopilot.MSBuild", "Autopilot.MSBuild.csproj"), "-c", "Release",
                 $"-p:ArtifactsPath={artifacts}", $"-p:PackageOutputPath={feed}", "-p:ContinuousIntegrationBuild=true",
                 "-p:UseSharedCompilation=false", "-nodeReuse:false"],
                TestProcess.RepoRoot,
                new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = LocalFeed.SourceDateEpoch },
                timeoutMs: 1_200_000);
            hashes.Add(Directory.EnumerateFiles(feed, "*.nupkg").ToDictionary(p => Path.GetFileName(p), Hash));
        }

        Assert.NotEmpty(hashes[0]);
        Assert.Equal(hashes[0], hashes[1]);
    }

    [LongFact]
    public void TheNativePackageForThisMachineInstallsAndRunsTheFront()
    {
        var feed = Path.Combine(_feed.Root, "native-feed");
        var tools = Path.Combine(_feed.Root, "native-tools");
        var project = Path.Combine(TestProcess.RepoRoot, "src", "Autopilot.Native", "Autopilot.Native.csproj");
        foreach (string[] rid in new[] { Array.Empty<string>(), ["-r", "any"], ["-r", "linux-x64"] })
        {
            TestProcess.Must(
                "dotnet",
                ["pack", project, "-c", "Release", .. rid, $"-p:ArtifactsPath={Path.Combine(_feed.Root, "native-artifacts")}", $"-p:PackageOutputPath={feed}",
                 "-p:UseSharedCompilation=false", "-nodeReuse:false"],
                TestProcess.RepoRoot,
                timeoutMs: 1_200_000);
        }

        using (var zip = ZipFile.OpenRead(Path.Combine(feed, $"Autopilot.Tool.linux-x64.{_feed.Version}.nupkg")))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "tools/net10.0/linux-x64/autopilot-native");
            Assert.Contains(zip.Entries, e => e.FullName == "tools/net10.0/linux-x64/autopilot.dll");
        }

        TestProcess.Must("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", feed, "Autopilot.Tool", "--version", _feed.Version],
            _feed.Root, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_feed.Root, "native-packages") });
        var check = TestProcess.Run(Path.Combine(tools, "autopilot"), ["check", "autonomy", "--level", "execute_safe", "--risk", "low"], _feed.Root,
            new Dictionary<string, string> { ["AUTOPILOT_NATIVE_ONLY"] = "1" });
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.StartsWith("ALLOW", check.StdOut);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
