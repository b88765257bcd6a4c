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
        var command = new Command("test", "Run policy test cases (input facts → expected verdict and rule ids).") { files, policy, repo };
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
                foreach (var outcome in runner.Run(loaded.Cases))
                {
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
            return badInput ? (int)ExitCode.BadInput : failed > 0 ? (int)ExitCode.Deny : (int)ExitCode.Allow;
        });
        return command;
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
