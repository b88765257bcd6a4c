namespace Autopilot.MSBuild.Tests.Infrastructure;

/// <summary>
/// A sample (samples/GateSample unless told otherwise) copied into a fresh git repository with one
/// commit, restoring Autopilot.* from the local feed only (package source mapping) and anything else
/// from nuget.org. Every copy restores into the feed's one NUGET_PACKAGES folder, so packages are
/// downloaded and extracted once per test run, not once per copy.
/// </summary>
public sealed class SampleRepo : IDisposable
{
    private readonly LocalFeed _feed;

    public SampleRepo(LocalFeed feed, string sampleName = "GateSample")
    {
        _feed = feed;
        Repo = new TempGitRepo();
        var sample = System.IO.Path.Combine(TestProcess.RepoRoot, "samples", sampleName);
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(sample, file);
            if (relative.Split(System.IO.Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            Repo.Write(relative, File.ReadAllText(file));
        }

        Repo.Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="Autopilot.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        Repo.Commit("the sample");
    }

    public TempGitRepo Repo { get; }

    public string Path => Repo.Path;

    /// <summary>`dotnet build` as a developer runs it (plus no node reuse, so no process outlives the test).</summary>
    public ProcessResult Build(params string[] extra) =>
        TestProcess.Run(
            "dotnet",
            ["build", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary", .. extra],
            Path,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = _feed.PackagesFolder });

    public void Dispose() => Repo.Dispose();
}
