using System.Diagnostics;
using System.Text.Json;
using Autopilot.Core.Autonomy;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.Predicates;
using Autopilot.Core.Telemetry;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Actions;

/// <summary>
/// May this actor do this action now? Classify (commands, paths, tools) → risk → the actor's autonomy level
/// and the phase's tool guard → verdict. An action the engine cannot understand is denied, whatever the level.
/// </summary>
public sealed class ActionEvaluator
{
    private readonly PolicyEngine _engine;

    public ActionEvaluator(PolicyEngine engine)
    {
        _engine = engine;
        var doc = engine.Plan.Document;
        // Paths the diff gate protects are protected for file operations too: one list, two checks.
        var protectedGlobs = doc.Diff.Where(r => r.Kind == "protected-paths").SelectMany(r => r.Paths).Distinct().ToArray();
        Classifier = new ActionClassifier(doc.Risks, doc.Actions, doc.RiskLevels, protectedGlobs, doc.Tools, doc.Phases, engine.Effects);
    }

    public ActionClassifier Classifier { get; }

    public Decision Command(string command, ActionContext context, string level) =>
        Decide("command", Classifier.ClassifyCommand(command, context), level, context, command);

    public Decision Path(string path, FileOp op, ActionContext context, string level) =>
        Decide("path", Classifier.ClassifyPath(path, op, context), level, context, path);

    public Decision Tool(string tool, ActionContext context, string level) =>
        Decide("tool", Classifier.ClassifyTool(tool, context), level, context, tool);

    /// <summary>The verdict for an already classified action (what the agent hook asks).</summary>
    public Verdict VerdictFor(ActionClassification classification, string level, ActionContext context) =>
        Decide("hook", classification, level, context, "").Verdict;

    public Decision Decide(string question, ActionClassification classification, string level, ActionContext context, string subject)
    {
        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.check");
        activity?.SetTag("autopilot.question", question);
        var decision = DecideCore(classification, level, context, subject);
        AutopilotTelemetry.RecordDecision(question, decision, activity);
        return decision;
    }

    private Decision DecideCore(ActionClassification classification, string level, ActionContext context, string subject)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var levelIndex = plan.IndexOfAutonomyLevel(level);
        if (levelIndex < 0)
        {
            return Decision.FailClosed("AP-AUTONOMY-UNKNOWN", $"'{level}' is not an autonomy level of this policy ({string.Join(", ", plan.AutonomyLevels)}).", plan.PolicyHash);
        }

        var matches = ApplyPredicates(classification.Matches, level, context, subject, out var predicateFailures);
        var findings = new List<Finding>(predicateFailures);
        if (classification.IsUnknown)
        {
            // Unknown fails closed: no autonomy level makes an unreadable command safe.
            findings.AddRange(matches.Select(m => new Finding(m.RuleId, Severity.Deny, $"[{m.Risk}] {m.Reason}")));
            if (findings.Count == 0)
            {
                findings.Add(new Finding("AP-SHELL-PARSE", Severity.Deny, "The action could not be understood."));
            }

            return new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started));
        }

        var risk = matches.Count == classification.Matches.Count ? classification.RiskIndex
            : matches.Count == 0 ? Math.Max(0, plan.DefaultRisk)
            : matches.Max(m => m.RiskIndex);
        var autonomy = new AutonomyEvaluator(_engine).Check(levelIndex, risk, matches.Where(m => m.RiskIndex == risk).Select(m => m.RuleId).FirstOrDefault());
        var autonomySeverity = autonomy.Verdict.ToSeverity();
        foreach (var match in matches)
        {
            var severity = match.FixedVerdict is { } fixedVerdict ? fixedVerdict.ToSeverity()
                : match.RiskIndex == risk ? autonomySeverity
                : Severity.Info;
            findings.Add(new Finding(match.RuleId, severity, $"[{match.Risk}] {match.Reason}", match.Rule?.Location));
        }

        findings.AddRange(autonomy.Findings);
        return new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// A risk rule with a <c>when:</c> predicate matches only when it also holds. Facts: program, rawProgram (as
    /// written), args (every word after the program), flags and positionals (the same words as separate facts, flags
    /// split: <c>-rf</c> gives <c>-rf</c>, <c>-r</c>, <c>-f</c>), command (the invocation's text), quote, phase, level.
    /// A predicate that fails keeps its match (fail closed) and says why.
    /// </summary>
    private List<ActionMatch> ApplyPredicates(IReadOnlyList<ActionMatch> matches, string level, ActionContext context, string subject, out List<Finding> failures)
    {
        failures = [];
        var kept = new List<ActionMatch>(matches.Count);
        foreach (var match in matches)
        {
            if (match.Rule?.When is not { } when)
            {
                kept.Add(match);
                continue;
            }

            var facts = JsonSerializer.Serialize(new
            {
                program = match.Invocation?.Program,
                rawProgram = match.Invocation?.RawProgram,
                args = match.Invocation?.Args,
                flags = match.Invocation?.Flags,
                positionals = match.Invocation?.Positionals,
                command = match.Invocation?.Text ?? subject,
                quote = match.Quote,
                phase = context.Phase,
                level,
            });
            try
            {
                if (_engine.Predicates.Evaluate(when.Value, facts))
                {
                    kept.Add(match);
                }
            }
            catch (PredicateException ex)
            {
                kept.Add(match);
                failures.Add(new Finding(match.RuleId, Severity.Warning, $"its 'when' predicate failed, so the rule applies: {ex.Message}", when.Location));
            }
        }

        return kept;
    }
}
