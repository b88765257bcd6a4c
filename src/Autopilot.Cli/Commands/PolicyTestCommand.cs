using System.CommandLine;
using Autopilot.Core.PolicyTests;
using Autopilot.Core.Policies;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot policy test [FILE...]`: runs *.policy.tests.yaml cases; a failing case shows expected against actual.</summary>
internal static class PolicyTestCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Test files (default: <policy>.tests.yaml beside the policy, or policies/*.policy.tests.yaml).", Arity = ArgumentArity.ZeroOrMore };
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var coverage = new Option<bool>("--coverage") { Description = "Report the rules, effects, predicates and exceptions no case exercises." };
        var min = new Option<double?>("--min") { Description = "With --coverage: fail (exit 2) when under this percentage of rules is exercised." };
        var ledger = new Option<string?>("--ledger") { Description = "With --coverage: a ledger folder whose decision log shows which rules never fired (dead rules)." };
        var command = new Command("test", "Run policy test cases (input facts → expected verdict and rule ids).") { files, policy, repo, coverage, min, ledger };
        command.SetAction(result =>
        {
            var repoRoot = result.GetValue(repo)!;
            var testFiles = result.GetValue(files) is { Length: > 0 } given ? given : DefaultTestFiles(result.GetValue(policy), repoRoot);
            if (testFiles.Length == 0)
            {
                Console.Error.WriteLine("autopilot: no policy test files found; pass one (*.policy.tests.yaml).");
                return (int)ExitCode.BadInput;
            }

            var passed = 0;
            var failed = 0;
            var badInput = false;
            PolicyCoverage? covered = null;
            Autopilot.Core.Policies.PolicyEngine? lastEngine = null;
            foreach (var file in testFiles)
            {
                var loaded = PolicyTestLoader.Load(file);
                foreach (var error in loaded.Errors)
                {
                    Console.Error.WriteLine(error);
                    badInput = true;
                }

                var engine = CommonOptions.LoadPolicy(result.GetValue(policy) ?? loaded.PolicyPath, repoRoot);
                if (engine is null)
                {
                    return (int)ExitCode.BadInput;
                }

                var runner = new PolicyTestRunner(engine);
                if (result.GetValue(coverage) && (lastEngine is null || lastEngine.PolicyHash != engine.PolicyHash))
                {
                    // Coverage is of one policy: the one the test files run against (the last one when they name several).
                    covered = new PolicyCoverage(engine);
                    lastEngine = engine;
                }

                foreach (var outcome in runner.Run(loaded.Cases))
                {
                    covered?.Observe(outcome);
                    if (outcome.Passed)
                    {
                        passed++;
                        Console.Out.WriteLine($"PASS {outcome.Case.Name}");
                        continue;
                    }

                    failed++;
                    Console.Out.WriteLine($"FAIL {outcome.Case.Name} ({outcome.Case.Location})");
                    Console.Out.WriteLine($"  expected: {outcome.Expected}");
                    Console.Out.WriteLine($"  actual:   {(outcome.Error is null ? outcome.Actual : "error: " + outcome.Error)}");
                }
            }

            Console.Out.WriteLine($"{passed} passed, {failed} failed");
            var coverageExit = covered is null ? (int)ExitCode.Allow : ReportCoverage(covered, lastEngine!, result.GetValue(min), result.GetValue(ledger));
            return badInput || coverageExit == (int)ExitCode.BadInput ? (int)ExitCode.BadInput
                : failed > 0 || coverageExit != (int)ExitCode.Allow ? (int)ExitCode.Deny : (int)ExitCode.Allow;
        });
        return command;
    }

    /// <summary>Prints what no case exercised (and, with a ledger, the dead rules); the exit code says whether --min was met.</summary>
    private static int ReportCoverage(PolicyCoverage coverage, Autopilot.Core.Policies.PolicyEngine engine, double? min, string? ledgerDir)
    {
        var items = coverage.Items();
        var percent = PolicyCoverage.RulePercent(items);
        Console.Out.WriteLine();
        Console.Out.WriteLine("coverage:");
        foreach (var kind in new[] { "rule", "effect", "predicate", "exception" })
        {
            var all = items.Where(i => i.Kind == kind).ToArray();
            Console.Out.WriteLine($"  {kind}s: {all.Count(i => i.Covered)}/{all.Length} exercised{(kind == "rule" ? $" ({percent.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}%)" : "")}");
        }

        foreach (var item in items.Where(i => !i.Covered))
        {
            Console.Out.WriteLine($"  not exercised: {item.Kind} {item.Id} ({item.What}){(item.Location is { } at ? $" at {at.Path}:{at.Line}" : "")}");
        }

        if (ledgerDir is not null)
        {
            if (!Directory.Exists(ledgerDir))
            {
                Console.Error.WriteLine($"autopilot: no ledger folder at {ledgerDir}.");
                return (int)ExitCode.BadInput;
            }

            var verification = Autopilot.Core.Ledger.LedgerVerifier.Verify(ledgerDir);
            if (!verification.IsValid)
            {
                Console.Error.WriteLine($"autopilot: the ledger at {ledgerDir} fails verification ({verification.Problem!.Message}); dead rules are not computed from a broken chain.");
                return (int)ExitCode.BadInput;
            }

            var problems = new List<string>();
            var (dead, decisions) = PolicyCoverage.DeadRules(engine, new Autopilot.Core.Ledger.LedgerReader(ledgerDir).Show(), problems);
            problems.ForEach(p => Console.Error.WriteLine($"autopilot: {p}"));
            Console.Out.WriteLine($"dead rules (never fired in {decisions} logged decision(s)): {dead.Count}");
            foreach (var item in dead)
            {
                Console.Out.WriteLine($"  dead: {item.Id} ({item.What}){(item.Location is { } at ? $" at {at.Path}:{at.Line}" : "")}");
            }
        }

        if (min is { } required && percent < required)
        {
            Console.Out.WriteLine($"rule coverage {percent.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}% is under the required {required.ToString(System.Globalization.CultureInfo.InvariantCulture)}%");
            return (int)ExitCode.Deny;
        }

        return (int)ExitCode.Allow;
    }

    private static string[] DefaultTestFiles(string? policyPath, string repo)
    {
        var resolved = policyPath ?? PolicySource.Resolve(null, repo);
        if (resolved is not null)
        {
            var beside = Path.ChangeExtension(resolved, null) + ".tests.yaml";
            if (File.Exists(beside))
            {
                return [beside];
            }
        }

        var folder = Path.Combine(repo, "policies");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.policy.tests.yaml") : [];
    }
}
