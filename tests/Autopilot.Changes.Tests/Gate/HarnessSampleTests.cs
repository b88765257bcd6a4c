using Autopilot.Testing;

namespace Autopilot.Changes.Tests.Gate;

/// <summary>samples/HarnessSample, built with the solution, asks the four questions of a real repository through AutopilotEngine.</summary>
public sealed class HarnessSampleTests
{
    [Fact]
    public void The_sample_harness_asks_all_four_questions_and_prints_each_decision()
    {
        using var repo = new TempGitRepo();
        repo.Write("README.md", "# sample\n");
        repo.Commit("first");

        var run = TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "HarnessSample.dll"), repo.Path], repo.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("policy: builtin:default.policy.yaml", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("transition T-1 strategize -> spec: deny", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("AP-EVIDENCE-MISSING", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("act: git status && npm test: allow", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("act: rm -rf ~/: deny", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("judge: the working tree: allow", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("escalate: 5 failures in a row: escalate", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_policy_is_a_load_error_naming_the_file_and_line()
    {
        var error = Assert.Throws<PolicyLoadException>(() => AutopilotEngine.FromYaml("phases: [a, a]\n", "broken.policy.yaml"));

        Assert.Equal("broken.policy.yaml", error.Origin);
        Assert.Contains(error.Diagnostics, d => d.Location?.Line == 1);
        Assert.Contains("broken.policy.yaml", error.Message, StringComparison.Ordinal);
    }
}
