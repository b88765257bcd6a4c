using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>Exceptions, one-time approvals, layers and coverage (issue 14) through the CLI as a real process.</summary>
public sealed class PolicyLifecycleCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Day(int fromToday) => DateTime.UtcNow.Date.AddDays(fromToday).ToString("yyyy-MM-dd");

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private string Policy(string exceptions = "") => _dir.Write("p.policy.yaml", $"""
        phases: [a, b]
        autonomy:
          levels:
            - {"{"} id: l, allowUpTo: low, escalateUpTo: high {"}"}
        risks:
          - id: R-RM
            risk: high
            message: recursive delete
            command: {"{"} programs: [rm], anyFlags: [-r, -rf] {"}"}
          - id: R-CURL
            risk: high
            message: network
            command: {"{"} programs: [curl] {"}"}
        {exceptions}
        """);

    private ProcessResult Run(params string[] args) => CliProcess.Run(_dir.Path, null, [.. args, "--repo", _dir.Path]);

    [Fact]
    public void AnExceptionWithoutOwnerOrExpiryIsALocatedErrorAndExitsBadInput()
    {
        var file = Policy("""
            exceptions:
              - id: EX-1
                rule: R-RM
                paths: ["build/**"]
                reason: build output
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", file);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"{file}(15,5): error AP1005: An exception needs 'owner'.", result.StdOut);
        Assert.Contains($"{file}(15,5): error AP1005: An exception needs 'expires'.", result.StdOut);
    }

    [Fact]
    public void LintWarnsFromSevenDaysBeforeExpiryAndAfter()
    {
        var file = Policy($"""
            exceptions:
              - {"{"} id: EX-SOON, rule: R-RM, paths: ["a/**"], owner: alice, reason: r, expires: {Day(3)} {"}"}
              - {"{"} id: EX-LATER, rule: R-RM, paths: ["b/**"], owner: bob, reason: r, expires: {Day(30)} {"}"}
              - {"{"} id: EX-GONE, rule: R-RM, paths: ["c/**"], owner: carol, reason: r, expires: {Day(-1)} {"}"}
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"\(15,\d+\): warning AP1120: Exception 'EX-SOON' \(owner alice\) expires on .*, in 3 day\(s\)", result.StdOut);
        Assert.Matches(@"\(17,\d+\): warning AP1120: Exception 'EX-GONE' \(owner carol\) expired on", result.StdOut);
        Assert.DoesNotContain("EX-LATER", result.StdOut);
    }

    [Fact]
    public void AnExceptionWaivesItsRuleInsideItsScopeUntilItExpiresAndEachUseIsRecorded()
    {
        Policy($"""
            exceptions:
              - {"{"} id: EX-BUILD, rule: R-RM, paths: ["build/**"], owner: alice, reason: build output is disposable, expires: {Day(30)} {"}"}
              - {"{"} id: EX-OLD, rule: R-RM, paths: ["old/**"], owner: bob, reason: expired, expires: {Day(0)} {"}"}
              - {"{"} id: EX-TASK, rule: R-CURL, commands: ["curl https://example.test/*"], tasks: [T-7], owner: carol, reason: fetch fixtures, expires: {Day(30)} {"}"}
            """);
        var inScope = Run("check", "command", "rm -rf build/out", "--policy", "p.policy.yaml");
        Assert.True(inScope.ExitCode == 0, inScope.ToString());
        Assert.Contains("info EX-BUILD: waives R-RM for this action (owner alice", inScope.StdOut);

        // One path outside the scope keeps the rule; an exception that expired today no longer applies.
        Assert.Equal(3, Run("check", "command", "rm -rf build/out src", "--policy", "p.policy.yaml").ExitCode);
        Assert.Equal(3, Run("check", "command", "rm -rf old/x", "--policy", "p.policy.yaml").ExitCode);

        // A task scope needs the task; a command scope the matching command.
        Assert.Equal(3, Run("check", "command", "curl https://example.test/a", "--policy", "p.policy.yaml").ExitCode);
        Assert.Equal(3, Run("check", "command", "curl https://other.test/a", "--policy", "p.policy.yaml", "--task", "T-7").ExitCode);
        Assert.Equal(0, Run("check", "command", "curl https://example.test/a", "--policy", "p.policy.yaml", "--task", "T-7").ExitCode);

        var ledger = Run("ledger", "show", "--format", "json");
        Assert.True(ledger.ExitCode == 0, ledger.ToString());
        Assert.Single(Regex.Matches(ledger.StdOut, "\"exception\": ?\"EX-BUILD\""));
        Assert.Single(Regex.Matches(ledger.StdOut, "\"exception\": ?\"EX-TASK\""));
        Assert.DoesNotContain("\"EX-OLD\"", ledger.StdOut);
        Assert.Equal(0, Run("ledger", "verify").ExitCode);
    }

    [Fact]
    public void AOneTimeApprovalAllowsExactlyThatActionOnce()
    {
        Policy();
        var escalated = Run("check", "command", "rm -rf src", "--policy", "p.policy.yaml");
        Assert.True(escalated.ExitCode == 3, escalated.ToString());
        var code = Regex.Match(escalated.StdErr, @"autopilot approve (\w{5}-\w{5}) --reason").Groups[1].Value;
        Assert.NotEmpty(code);

        var approved = Run("approve", code.ToLowerInvariant(), "--reason", "cleaning up the old tree");
        Assert.True(approved.ExitCode == 0, approved.ToString());

        // Another action (other text, other folder) does not use it.
        Assert.Equal(3, Run("check", "command", "rm -rf lib", "--policy", "p.policy.yaml").ExitCode);
        Directory.CreateDirectory(_dir.Sub("sub"));
        Assert.Equal(3, Run("check", "command", "rm -rf src", "--policy", "p.policy.yaml", "--cwd", _dir.Sub("sub")).ExitCode);

        var used = Run("check", "command", "rm -rf src", "--policy", "p.policy.yaml");
        Assert.True(used.ExitCode == 0, used.ToString());
        Assert.Contains($"info AP-APPROVAL: one-time approval {code}", used.StdOut);
        Assert.Contains("cleaning up the old tree", used.StdOut);

        // Consumed: the same action escalates again.
        Assert.Equal(3, Run("check", "command", "rm -rf src", "--policy", "p.policy.yaml").ExitCode);
        Assert.Equal(0, Run("ledger", "verify").ExitCode);
    }

    [Fact]
    public void ApproveRefusesWhatIsNotACode()
    {
        var result = Run("approve", "not-a-code", "--reason", "x");
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("is not an approval code", result.StdErr);
    }

    private string Base() => _dir.Write("org/base.policy.yaml", """
        phases: [a, b]
        autonomy:
          default: l
          levels:
            - { id: l, allowUpTo: low, escalateUpTo: high }
            - { id: m, allowUpTo: medium, escalateUpTo: critical }
        risks:
          - id: R-RM
            risk: high
            message: recursive delete
            command: { programs: [rm], anyFlags: [-r, -rf] }
        diff:
          - { id: D-FILES, kind: max-files, max: 20 }
          - { id: D-PROT, kind: protected-paths, paths: [".github/**"] }
        """);

    [Fact]
    public void AnOverlayThatLoosensIsALocatedErrorNamingBothRules()
    {
        var basePath = Base();
        var overlay = _dir.Write("over.policy.yaml", $"""
            base: {"{"} path: org/base.policy.yaml, sha256: {Hex(File.ReadAllBytes(basePath))} {"}"}
            risks:
              - id: R-RM
                risk: medium
                message: fine here
            autonomy:
              levels:
                - {"{"} id: l, allowUpTo: medium, escalateUpTo: high {"}"}
            diff:
              - {"{"} id: D-PROT, kind: protected-paths, paths: ["policies/**"] {"}"}
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", overlay);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"{overlay}(4,11): error AP1121: Risk rule 'R-RM' risk 'medium' at {overlay}:4 is below the base's 'high' at {basePath}:9", result.StdOut);
        Assert.Contains($"error AP1121: Autonomy level 'l' allowUpTo 'medium' at {overlay}:8 is above the base's 'low' at {basePath}:5", result.StdOut);
        Assert.Contains($"{overlay}(10,5): error AP1121: Diff rule 'D-PROT' at {overlay}:10 loosens the base's rule at {basePath}:14: it no longer checks '.github/**'", result.StdOut);

        // Deciding commands refuse the policy too: nothing runs under a loosened overlay.
        Assert.Equal(4, CliProcess.Run(_dir.Path, null, "check", "command", "ls", "--policy", overlay).ExitCode);
    }

    [Fact]
    public void ALayerWhoseContentHashDoesNotMatchIsALocatedError()
    {
        var basePath = Base();
        var pinned = Hex(File.ReadAllBytes(basePath));
        var overlay = _dir.Write("over.policy.yaml", $"base: {"{"} path: org/base.policy.yaml, sha256: {pinned} {"}"}\n");
        Assert.Equal(0, CliProcess.Run(_dir.Path, null, "policy", "lint", overlay).ExitCode);

        File.AppendAllText(basePath, "# an edit\n");
        var result = CliProcess.Run(_dir.Path, null, "policy", "lint", overlay);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"{overlay}(1,45): error AP1122: The base file:org/base.policy.yaml has SHA-256 {Hex(File.ReadAllBytes(basePath))}, but {overlay}:1 pins {pinned}", result.StdOut);
    }

    /// <summary>A NuGet package holding the base, as an organisation would publish it.</summary>
    private string Package(string folder, string id, string version, string policyText)
    {
        var path = _dir.Sub($"{folder}/{id}.{version}.nupkg".ToLowerInvariant());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(zip.CreateEntry($"{id}.nuspec").Open()))
            {
                writer.Write($"<package><metadata><id>{id}</id><version>{version}</version></metadata></package>");
            }

            using var policy = new StreamWriter(zip.CreateEntry("content/org.policy.yaml").Open());
            policy.Write(policyText);
        }

        return path;
    }

    [Fact]
    public void EffectivePrintsTheMergedPolicyWithTheOriginOfEveryRuleFromAPinnedPackage()
    {
        var nupkg = Package("feed", "Contoso.Policy", "1.2.0", File.ReadAllText(Base()));
        var overlay = _dir.Write("over.policy.yaml", $"""
            base: {"{"} package: Contoso.Policy, version: 1.2.0, source: feed, sha256: {Hex(File.ReadAllBytes(nupkg))} {"}"}
            risks:
              - id: R-RM
                risk: critical
                message: never here
              - id: R-CURL
                risk: high
                message: network
                command: {"{"} programs: [curl] {"}"}
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "effective", "--policy", overlay);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1. nuget:Contoso.Policy@1.2.0", result.StdOut);
        Assert.Contains($"2. repository  {overlay}", result.StdOut);
        Assert.Contains("R-RM  critical  [nuget:Contoso.Policy@1.2.0, tightened by repository] nuget:Contoso.Policy@1.2.0/content/org.policy.yaml:8", result.StdOut);
        Assert.Contains($"R-CURL  high  [repository] {overlay}:6", result.StdOut);
        Assert.Contains("D-FILES  max-files deny  [nuget:Contoso.Policy@1.2.0]", result.StdOut);

        // The merged policy decides: rm is critical now, above what level l may do even with a human.
        Assert.Equal(2, CliProcess.Run(_dir.Path, null, "check", "command", "rm -rf x", "--policy", overlay).ExitCode);

        // Another package under the same version: its hash no longer matches the pin.
        Package("feed", "Contoso.Policy", "1.2.0", File.ReadAllText(_dir.Sub("org/base.policy.yaml")) + "# changed\n");
        var tampered = CliProcess.Run(_dir.Path, null, "policy", "effective", "--policy", overlay);
        Assert.True(tampered.ExitCode == 4, tampered.ToString());
        Assert.Contains("error AP1122: The base nuget:Contoso.Policy@1.2.0 has SHA-256", tampered.StdErr);
    }

    [Fact]
    public void AWorkOrderThatLoosensThePolicyIsALocatedError()
    {
        var basePath = Base();
        var order = _dir.Write("wo.json", """
            {
              "taskId": "T-1",
              "allowedPaths": ["src/**"],
              "caps": { "maxFiles": 50 },
              "autonomy": "m"
            }
            """);
        var result = CliProcess.Run(_dir.Path, null, "policy", "effective", "--policy", basePath, "--work-order", order);
        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Matches($@"{Regex.Escape(order)}\(4,\d+\): error AP1121: Work order caps\.maxFiles 50 at {Regex.Escape(order)}:4 is above 20 of the policy's rule 'D-FILES' at {Regex.Escape(basePath)}:13", result.StdErr);
        Assert.Contains($"Work order autonomy 'm' at {order}:5 is more autonomous than the policy's default 'l'", result.StdErr);

        var tight = _dir.Write("tight.json", """{ "taskId": "T-2", "allowedPaths": ["src/**"], "caps": { "maxFiles": 5 } }""");
        var ok = CliProcess.Run(_dir.Path, null, "policy", "effective", "--policy", basePath, "--work-order", tight);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("2. work-order", ok.StdOut);
        Assert.Contains("work order T-2", ok.StdOut);
    }

    [Fact]
    public void CoverageOfTheDefaultPolicyIsReportedAndMinFailsUnderIt()
    {
        var policy = Path.Combine(CliProcess.RepoRoot, "policies", "default.policy.yaml");
        var tests = Path.Combine(CliProcess.RepoRoot, "policies", "default.policy.tests.yaml");
        var result = CliProcess.Run(_dir.Path, null, "policy", "test", tests, "--policy", policy, "--coverage", "--min", "90");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rules = Regex.Match(result.StdOut, @"rules: (\d+)/(\d+) exercised \(([\d.]+)%\)");
        Assert.True(rules.Success, result.StdOut);
        Assert.True(double.Parse(rules.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) >= 90, result.StdOut);
        Assert.Matches(@"effects: \d+/\d+ exercised", result.StdOut);

        var strict = CliProcess.Run(_dir.Path, null, "policy", "test", tests, "--policy", policy, "--coverage", "--min", "100.5");
        Assert.True(strict.ExitCode == 2, strict.ToString());
        Assert.Contains("is under the required 100.5%", strict.StdOut);
    }

    [Fact]
    public void CoverageNamesWhatNoCaseExercisesAndDeadRulesFromTheDecisionLog()
    {
        Policy($"""
            exceptions:
              - {"{"} id: EX-BUILD, rule: R-RM, paths: ["build/**"], owner: alice, reason: r, expires: {Day(30)} {"}"}
            """);
        var tests = _dir.Write("p.policy.tests.yaml", """
            policy: p.policy.yaml
            cases:
              - name: rm escalates
                command: { command: "rm -rf src", level: l }
                expect: { verdict: escalate }
            """);
        var result = Run("policy", "test", tests, "--coverage", "--min", "60");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("rules: 1/2 exercised (50.0%)", result.StdOut);
        Assert.Contains($"not exercised: rule R-CURL (risk rule) at {_dir.Sub("p.policy.yaml")}:10", result.StdOut);
        Assert.Contains("not exercised: exception EX-BUILD (exception to R-RM)", result.StdOut);

        // The decision log (kept where the ledger folder exists): rm fired in a real check, curl never did.
        Directory.CreateDirectory(_dir.Sub(".autopilot/ledger"));
        Assert.Equal(3, Run("check", "command", "rm -rf src", "--policy", "p.policy.yaml").ExitCode);
        var dead = Run("policy", "test", tests, "--coverage", "--ledger", _dir.Sub(".autopilot/ledger"));
        Assert.True(dead.ExitCode == 0, dead.ToString());
        Assert.Matches(@"dead rules \(never fired in [1-9]\d* logged decision\(s\)\): 1", dead.StdOut);
        Assert.Contains("dead: R-CURL (risk rule)", dead.StdOut);
        Assert.DoesNotContain("dead: R-RM", dead.StdOut);

        // A ledger whose chain is broken is refused, not read.
        var file = Directory.GetFiles(_dir.Sub(".autopilot/ledger"), "*.jsonl").First();
        File.WriteAllText(file, File.ReadAllText(file).Replace("rm -rf src", "rm -rf srx"));
        var broken = Run("policy", "test", tests, "--coverage", "--ledger", _dir.Sub(".autopilot/ledger"));
        Assert.True(broken.ExitCode == 4, broken.ToString());
        Assert.Contains("fails verification", broken.StdErr);
    }
}
