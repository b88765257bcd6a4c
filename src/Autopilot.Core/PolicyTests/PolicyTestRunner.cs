using Autopilot.Core.Autonomy;
using Autopilot.Core.Decisions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Failures;
using Autopilot.Core.Policies;
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

    /// <summary>Questions beyond the engine core (commands, paths, tools) are answered by front ends that know them.</summary>
    private readonly Func<PolicyTestCase, Decision?>? _extra;

    public PolicyTestRunner(PolicyEngine engine, Func<PolicyTestCase, Decision?>? extra = null)
    {
        _engine = engine;
        _extra = extra;
    }

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
            return new PolicyTestOutcome(test, verdictOk && rulesOk, Describe(test.ExpectVerdict, test.ExpectRules), Describe(decision.Verdict.ToWire(), actualRules));
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
            default:
                return _extra?.Invoke(test);
        }
    }

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
        return new PolicyTestOutcome(test, retryOk && rulesOk, expected, actual);
    }

    private static string Describe(string? verdict, IReadOnlyList<string>? rules) =>
        $"verdict={verdict ?? "any"} rules=[{(rules is null ? "any" : string.Join(", ", rules.Order(StringComparer.Ordinal)))}]";
}
