using Autopilot.MSBuild.Tests.Infrastructure;

namespace Autopilot.MSBuild.Tests.EndToEnd;

/// <summary>
/// The package as a user gets it: samples/GateSample in a real git repository references
/// Autopilot.MSBuild from the local feed with AutopilotGate=true, and `dotnet build` runs the gate.
/// </summary>
[Collection(LocalFeedCollection.Name)]
public sealed class GateBuildTests : IDisposable
{
    private const string GateSkipped = "Skipping target \"AutopilotGate\" because all output files are up-to-date";
    private readonly SampleRepo _sample;

    public GateBuildTests(LocalFeed feed) => _sample = new SampleRepo(feed);

    public void Dispose() => _sample.Dispose();

    [Fact]
    public void ASecretInAnAddedLineFailsTheBuildAtItsFileLineAndColumn()
    {
        _sample.Repo.Write("Greeter.cs", """
            namespace GateSample;

            public static class Greeter
            {
                public static string Greet(string name) => $"Hello, {name}!";

                private const string AwsKey = "AKIAIOSFODNN7EXAMPLE";
            }
            """);

        var build = _sample.Build();

        Assert.True(build.ExitCode != 0, build.ToString());
        var greeter = Path.Combine(_sample.Path, "Greeter.cs");
        Assert.Contains($"{greeter}(7,36): error AP-DIFF-SECRETS: A secret appears in an added line", build.StdOut);
        Assert.Contains("Autopilot gate: deny", build.StdOut);
        AssertTheProblemMatcherReads(build.StdOut, greeter, 7, 36, "error", "AP-DIFF-SECRETS");
        // Denied before the compiler: no assembly was produced.
        Assert.False(File.Exists(Path.Combine(_sample.Path, "bin", "Debug", "net10.0", "GateSample.dll")), build.ToString());

        // A failed gate leaves no stamp: the next build judges again (and fails again).
        var again = _sample.Build("-v:n");
        Assert.True(again.ExitCode != 0, again.ToString());
        Assert.DoesNotContain(GateSkipped, again.StdOut);
        Assert.Contains("error AP-DIFF-SECRETS", again.StdOut);
    }

    [Fact]
    public void ACleanChangeBuildsAndAnUnchangedRepositorySkipsTheGate()
    {
        _sample.Repo.Write("Greeter.cs", """
            namespace GateSample;

            public static class Greeter
            {
                public static string Greet(string name) => $"Hello, {name}!";

                public static string Farewell(string name) => $"Goodbye, {name}.";
            }
            """);

        var first = _sample.Build("-v:n");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Autopilot gate: allow", first.StdOut);
        Assert.DoesNotContain("error AP-", first.StdOut);
        Assert.True(File.Exists(Path.Combine(_sample.Path, "bin", "Debug", "net10.0", "GateSample.dll")), first.ToString());

        // Nothing changed: MSBuild skips the gate target (its key file is older than its stamp).
        var second = _sample.Build("-v:n");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains(GateSkipped, second.StdOut);
        Assert.DoesNotContain("Autopilot gate:", second.StdOut);

        // The same file, changed again: `git status` looks the same, but the content is in the key.
        File.AppendAllText(Path.Combine(_sample.Path, "Greeter.cs"), "// another clean line\n");
        var third = _sample.Build("-v:n");
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.DoesNotContain(GateSkipped, third.StdOut);
        Assert.Contains("Autopilot gate: allow", third.StdOut);
    }

    [Fact]
    public void AnEscalationIsAWarningUnlessEscalateAsErrorIsSet()
    {
        _sample.Repo.Write(".github/workflows/ci.yml", "on: push\njobs: {}\n");
        var workflow = Path.Combine(_sample.Path, ".github", "workflows", "ci.yml");

        var lenient = _sample.Build();
        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        Assert.Contains($"{workflow}(1,1): warning AP-DIFF-PROTECTED:", lenient.StdOut);
        Assert.Contains("Autopilot gate: escalate", lenient.StdOut);

        // The setting is part of the key: the gate runs again, and this time the build fails.
        var strict = _sample.Build("-p:AutopilotEscalateAsError=true");
        Assert.True(strict.ExitCode != 0, strict.ToString());
        Assert.Contains($"{workflow}(1,1): error AP-DIFF-PROTECTED:", strict.StdOut);
    }

    [Fact]
    public void ABrokenPolicyFailsTheBuildWithItsDiagnosticInThePolicyFile()
    {
        _sample.Repo.Write("team.policy.yaml", "apiVersion: autopilot/v1\nmetadata: {name: team\n");

        var build = _sample.Build("-p:AutopilotPolicy=team.policy.yaml");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.Matches(@$"{System.Text.RegularExpressions.Regex.Escape(Path.Combine(_sample.Path, "team.policy.yaml"))}\(\d+,\d+\): error AP1002:", build.StdOut);
    }

    /// <summary>docs/examples/autopilot-problem-matcher.json, the GitHub Actions annotation pattern, reads the build's line.</summary>
    private static void AssertTheProblemMatcherReads(string output, string file, int line, int column, string severity, string code)
    {
        using var matcher = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestProcess.RepoRoot, "docs", "examples", "autopilot-problem-matcher.json")));
        var pattern = matcher.RootElement.GetProperty("problemMatcher")[0].GetProperty("pattern")[0];
        var regex = new System.Text.RegularExpressions.Regex(pattern.GetProperty("regexp").GetString()!);
        var match = output.Split('\n').Select(l => regex.Match(l.TrimEnd('\r'))).FirstOrDefault(m => m.Success && m.Groups[pattern.GetProperty("code").GetInt32()].Value == code);
        Assert.True(match is not null, output);
        Assert.Equal(file, match.Groups[pattern.GetProperty("file").GetInt32()].Value);
        Assert.Equal(line.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups[pattern.GetProperty("line").GetInt32()].Value);
        Assert.Equal(column.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups[pattern.GetProperty("column").GetInt32()].Value);
        Assert.Equal(severity, match.Groups[pattern.GetProperty("severity").GetInt32()].Value);
    }

    [Fact]
    public void WithTheGateOffNothingRuns()
    {
        _sample.Repo.Write("Greeter.cs", "namespace GateSample;\npublic static class Greeter { const string K = \"AKIAIOSFODNN7EXAMPLE\"; }\n");

        var build = _sample.Build("-p:AutopilotGate=false");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("AP-DIFF", build.StdOut);
        Assert.DoesNotContain("Autopilot gate", build.StdOut);
    }
}
