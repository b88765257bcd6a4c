using System.Diagnostics;
using Autopilot.Generators.Tests.Infrastructure;

namespace Autopilot.Generators.Tests;

/// <summary>
/// A real <c>dotnet build</c> of a project that references the generator as an analyzer and has a broken policy:
/// the build fails, and each mistake is reported as <c>broken.policy.yaml(line,col): error AP1xxx</c>.
/// </summary>
public sealed class BrokenConsumerBuildTests
{
    [Fact]
    public void A_broken_policy_fails_the_build_with_errors_located_in_the_yaml()
    {
        var work = Directory.CreateTempSubdirectory("autopilot-broken-consumer-");
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Repo.TestsFolder, "BrokenConsumer")))
            {
                File.Copy(file, Path.Combine(work.FullName, Path.GetFileName(file)));
            }

            // The referenced projects are already built with the tests (same configuration): do not rebuild them.
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var (exitCode, output) = Run("dotnet", work.FullName,
                "build", "BrokenConsumer.csproj", "-c", configuration, "-nodeReuse:false", "-p:BuildProjectReferences=false",
                $"-p:AutopilotRepoRoot={Repo.Root}{Path.DirectorySeparatorChar}");

            Assert.True(exitCode != 0, "The build of a consumer with a broken policy succeeded:" + Environment.NewLine + output);
            Assert.Contains("broken.policy.yaml(8,5): error AP1103", output, StringComparison.Ordinal);   // 'build' cannot be reached
            Assert.Contains("broken.policy.yaml(12,7): error AP1102", output, StringComparison.Ordinal);  // the edge to 'biuld'
            Assert.Contains("broken.policy.yaml(18,32): error AP1102", output, StringComparison.Ordinal); // allowUpTo 'hihg'
            Assert.Contains("Did you mean 'build'?", output, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 3 minutes.{Environment.NewLine}{stdout}");
        }

        return (process.ExitCode, stdout + stderr.Result);
    }
}
