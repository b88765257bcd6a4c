using Autopilot.Generators.Tests.Infrastructure;

namespace Autopilot.Generators.Tests;

/// <summary>
/// The whole generated file compared with a checked-in snapshot (Snapshots/*.verified.cs). When the output
/// changes on purpose, run the tests once with AUTOPILOT_ACCEPT_SNAPSHOTS=1 to write the new snapshots, and
/// review the diff like any other change.
/// </summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Default_policy() =>
        Verify(GeneratorHarness.Run("/policies/default.policy.yaml", Repo.DefaultPolicyText).GeneratedText("DefaultPolicy.g.cs"), "DefaultPolicy");

    [Fact]
    public void Small_policy() =>
        Verify(GeneratorHarness.Run("/policies/small.policy.yaml", Policies.Small).GeneratedText("SmallPolicy.g.cs"), "SmallPolicy");

    [Fact]
    public void Policy_with_no_levels_and_no_escalation() =>
        Verify(GeneratorHarness.Run("/policies/minimal.policy.yaml", "phases: [plan, implement, review]\n").GeneratedText("MinimalPolicy.g.cs"), "MinimalPolicy");

    internal static void Verify(string actual, string name)
    {
        // Found from the repository root, not [CallerFilePath]: CI builds map source paths to /_/ (deterministic builds).
        var path = Path.Combine(Repo.TestsFolder, "Snapshots", name + ".verified.cs");
        if (Environment.GetEnvironmentVariable("AUTOPILOT_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No snapshot at {path}: run the tests with AUTOPILOT_ACCEPT_SNAPSHOTS=1 to write it.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
            Assert.Fail(
                $"Generated code differs from {path} at line {line + 1}:{Environment.NewLine}" +
                $"  expected: {(line < expectedLines.Length ? expectedLines[line] : "<end of file>")}{Environment.NewLine}" +
                $"  actual:   {(line < actualLines.Length ? actualLines[line] : "<end of file>")}{Environment.NewLine}" +
                "If the change is intended, run the tests with AUTOPILOT_ACCEPT_SNAPSHOTS=1 and review the snapshot diff.");
        }
    }
}
