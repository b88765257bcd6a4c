using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

public sealed class PolicyCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DefaultPolicyLintsClean()
    {
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", Path.Combine(CliProcess.RepoRoot, "policies", "default.policy.yaml"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("clean", result.StdOut);
    }

    [Fact]
    public void LintReportsEveryMistakeWithFileLineColumnAndExitsBadInput()
    {
        var file = _dir.Write("bad.policy.yaml", """
            phases:
              - id: a
                evidence: [nope]
              - id: b
                evidense: [x]
            transitions:
              mode: explicit
              edges:
                - { from: a, to: c }
            autonomy:
              levels:
                - { id: l1, allowUpTo: extreme }
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", file);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"{file}(3,16): error AP1102", result.StdOut);
        Assert.Contains($"{file}(5,5): error AP1004", result.StdOut);
        Assert.Contains($"{file}(9,7): error AP1102", result.StdOut);
        Assert.Contains($"{file}(4,5): error AP1103", result.StdOut);
        Assert.Contains($"{file}(12,28): error AP1102", result.StdOut);
        Assert.Contains("5 error(s)", result.StdOut);
    }

    [Fact]
    public void LintAsJsonHasLocatedDiagnostics()
    {
        var file = _dir.Write("x.policy.yaml", "phases: [a]\nunknownKey: 1\n");
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", file, "--format", "json");
        Assert.Equal(4, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        var diagnostic = json.RootElement.GetProperty("files")[0].GetProperty("diagnostics")[0];
        Assert.Equal("AP1004", diagnostic.GetProperty("id").GetString());
        Assert.Equal(2, diagnostic.GetProperty("location").GetProperty("line").GetInt32());
    }

    [Fact]
    public void ExplainDescribesPhasesLevelsAndRules()
    {
        var result = CliProcess.Run(_dir.Path, null, "policy", "explain");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("strategize → spec → plan → think → implement → verify → review → pr → monitor", result.StdOut);
        Assert.Contains("observe: alone up to 'none'", result.StdOut);
        Assert.Contains("AP-EFFECT-VCS-FORCE-PUSH", result.StdOut);
        Assert.Contains("every score ≥ 4", result.StdOut);
    }

    [Fact]
    public void SchemaIsPrintedAsJson()
    {
        var result = CliProcess.Run(_dir.Path, null, "policy", "schema");
        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, json.RootElement.ValueKind);
    }

    [Fact]
    public void PolicyTestShowsExpectedAgainstActualForAWrongCase()
    {
        var tests = _dir.Write("my.policy.tests.yaml", """
            cases:
              - name: skip is denied
                transition: { from: spec, to: think }
                expect: { verdict: deny, rules: [AP-PHASE-SKIP] }
              - name: wrong expectation
                autonomy: { level: observe, risk: critical }
                expect: { verdict: allow }
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "test", tests);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("PASS skip is denied", result.StdOut);
        Assert.Contains("FAIL wrong expectation", result.StdOut);
        Assert.Contains("expected: verdict=allow", result.StdOut);
        Assert.Contains("actual:   verdict=deny rules=[AP-AUTONOMY-DENY]", result.StdOut);
        Assert.Contains("1 passed, 1 failed", result.StdOut);
    }
}
