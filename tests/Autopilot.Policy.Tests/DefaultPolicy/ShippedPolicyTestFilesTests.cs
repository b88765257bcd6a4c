using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.PolicyTests;
using Autopilot.Core.Tools;
using Autopilot.Policy.Tests.Schema;

namespace Autopilot.Policy.Tests.DefaultPolicy;

/// <summary>Every *.policy.tests.yaml shipped under policies/ (the default's and the examples') passes against its policy.</summary>
public sealed class ShippedPolicyTestFilesTests
{
    private static string[] Files() =>
        Directory.GetFiles(RepositoryFiles.Path("policies"), "*.policy.tests.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryFiles.Root, file))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static TheoryData<string> TestFiles() => new(Files());

    [Fact]
    public void The_default_and_at_least_one_example_have_test_files()
    {
        var files = Files();
        Assert.Contains(Path.Combine("policies", "default.policy.tests.yaml"), files);
        Assert.Contains(files, f => f.StartsWith(Path.Combine("policies", "examples"), StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestFiles))]
    public void Every_case_passes(string relativePath)
    {
        var loaded = PolicyTestLoader.Load(RepositoryFiles.Path(relativePath));
        Assert.True(loaded.Errors.Count == 0, string.Join("\n", loaded.Errors));
        var policy = PolicySource.Load(loaded.PolicyPath);
        Assert.True(policy.Succeeded, string.Join("\n", policy.Diagnostics));
        var engine = policy.Engine!;

        var runner = new PolicyTestRunner(engine);
        var outcomes = runner.Run(loaded.Cases);

        Assert.NotEmpty(outcomes);
        var failed = outcomes.Where(o => !o.Passed)
            .Select(o => $"{o.Case.Name} ({o.Case.Location}): expected {o.Expected}, actual {(o.Error is null ? o.Actual : "error: " + o.Error)}")
            .ToArray();
        Assert.True(failed.Length == 0, string.Join("\n", failed));
    }
}
