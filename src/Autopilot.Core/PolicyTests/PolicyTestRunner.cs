using Autopilot.Core.Actions;
using Autopilot.Core.Autonomy;
using Autopilot.Core.Decisions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Failures;
using Autopilot.Core.Policies;
using Autopilot.Core.Tools;
using Autopilot.Core.Transitions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.PolicyTests;

/// <summary>
/// Runs policy test cases against a policy, as <c>opa test</c> and <c>cedar run-tests</c> do: each case's
/// facts go through the same evaluators the CLI uses, and the verdict and rule ids are compared.
/// </summary>
public sealed class PolicyTestRunner
{
    private readonly PolicyEngine _engine;

    public PolicyTestRunner(PolicyEngine engine) => _engine = engine;

    public IReadOnlyList<PolicyTestOutcome> Run(IEnumerable<PolicyTestCase> cases) => cases.Select(RunOne).ToArray();

    public PolicyTestOutcome RunOne(PolicyTestCase test)
    {
        try
        {
            if (test.Kind == "failure")
            {
                return RunFailure(test);
            }

            var decision = Decide(test);
            if (decision is null)
            {
                return new PolicyTestOutcome(test, false, Describe(test.ExpectVerdict, test.ExpectRules), "", $"cases of kind '{test.Kind}' are not supported by this runner");
            }

            var actualRules = decision.Findings.Select(f => f.RuleId).Distinct().Order(StringComparer.Ordinal).ToArray();
            var verdictOk = test.ExpectVerdict is null || test.ExpectVerdict == decision.Verdict.ToWire();
            var rulesOk = test.ExpectRules is null || test.ExpectRules.Distinct().Order(StringComparer.Ordinal).SequenceEqual(actualRules);
            return new PolicyTestOutcome(test, verdictOk && rulesOk, Describe(test.ExpectVerdict, test.ExpectRules), Describe(decision.Verdict.ToWire(), actualRules), Decision: decision);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IOException or InvalidOperationException or KeyNotFoundException)
        {
            return new PolicyTestOutcome(test, false, Describe(test.ExpectVerdict, test.ExpectRules), "", ex.Message);
        }
    }

    private Decision? Decide(PolicyTestCase test)
    {
        var facts = test.Facts;
        switch (test.Kind)
        {
            case "transition":
                var root = Path.Combine(Path.GetTempPath(), "autopilot-policy-test-" + Guid.NewGuid().ToString("N"));
                try
                {
                    var task = facts.GetValueOrDefault("task", "T-1");
                    foreach (var (relative, content) in test.EvidenceFiles)
                    {
                        var file = Path.Combine(root, task, relative);
                        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                        File.WriteAllText(file, content);
                    }

                    return new TransitionEvaluator(_engine).Evaluate(new TransitionRequest(task, facts["from"], facts["to"], root)).Decision;
                }
                finally
                {
                    if (Directory.Exists(root))
                    {
                        Directory.Delete(root, recursive: true);
                    }
                }

            case "autonomy":
                return new AutonomyEvaluator(_engine).Check(facts["level"], facts["risk"]);
            case "signals":
                return new EscalationEvaluator(_engine).Evaluate(RunSignals.Parse(facts["json"]));
            case "tool" when !facts.ContainsKey("level"):
                return new ToolGuard(_engine).Check(facts["phase"], facts["name"]);
            case "tool":
                return _engine.Actions.Tool(facts["name"], Context(facts), facts["level"]);
            case "command":
                return _engine.Actions.Command(facts["command"], Context(facts), Level(facts));
            case "path":
                var op = facts.GetValueOrDefault("op", "write") switch
                {
                    "read" => FileOp.Read,
                    "delete" => FileOp.Delete,
                    "write" => FileOp.Write,
                    var other => throw new FormatException($"op must be read, write or delete, not '{other}'"),
                };
                return _engine.Actions.Path(facts["path"], op, Context(facts), Level(facts));
            default:
                return null;
        }
    }

    private string Level(IReadOnlyDictionary<string, string> facts) =>
        facts.GetValueOrDefault("level") ?? _engine.Plan.DefaultAutonomy;

    /// <summary>Cases run in a fixed, imaginary workspace (no symlinks resolved) so that they mean the same on every machine.</summary>
    internal static ActionContext Context(IReadOnlyDictionary<string, string> facts) =>
        new(facts.GetValueOrDefault("workspace", "/workspace"), facts.GetValueOrDefault("home", "/home/agent"))
        {
            WorkingDirectory = facts.GetValueOrDefault("cwd"),
            Phase = facts.GetValueOrDefault("phase"),
            Task = facts.GetValueOrDefault("task"),
            ResolveSymlinks = false,
        };

    private PolicyTestOutcome RunFailure(PolicyTestCase test)
    {
        var facts = test.Facts;
        var retries = int.TryParse(facts.GetValueOrDefault("retries", "0"), out var r) ? r : 0;
        var result = new FailureClassifier(_engine).Classify(facts.GetValueOrDefault("kind"), facts.GetValueOrDefault("message", ""), retries);
        var rules = result.ClassId is null ? Array.Empty<string>() : [result.ClassId];
        var retryOk = test.ExpectRetry is null || test.ExpectRetry == result.Retry;
        var rulesOk = test.ExpectRules is null || test.ExpectRules.SequenceEqual(rules);
        var expected = $"retry={(test.ExpectRetry?.ToString().ToLowerInvariant() ?? "any")} rules=[{string.Join(", ", test.ExpectRules ?? [])}]";
        var actual = $"retry={result.Retry.ToString().ToLowerInvariant()} rules=[{string.Join(", ", rules)}]";
        return new PolicyTestOutcome(test, retryOk && rulesOk, expected, actual, FailureClass: result.ClassId);
    }

    private static string Describe(string? verdict, IReadOnlyList<string>? rules) =>
        $"verdict={verdict ?? "any"} rules=[{(rules is null ? "any" : string.Join(", ", rules.Order(StringComparer.Ordinal)))}]";
}
