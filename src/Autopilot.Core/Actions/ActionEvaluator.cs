using System.Diagnostics;
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
        var plan = engine.Plan;
        // Paths the diff gate protects are protected for file operations too: one list (the plan's), two checks.
        Classifier = new ActionClassifier(plan.Risks, plan.Actions, plan.RiskLevels, plan.ProtectedPaths, plan.Tools, plan.PhaseDefinitions, engine.Effects);
        Exceptions = new PolicyExceptions.ExceptionMatcher(engine.Plan.Exceptions);
    }

    /// <summary>The policy's exceptions (docs/policy-lifecycle.md), applied by every decision after the predicates.</summary>
    internal PolicyExceptions.ExceptionMatcher Exceptions { get; }

    public ActionClassifier Classifier { get; }

    public Decision Command(string command, ActionContext context, string level) => JudgeCommand(command, context, level).Decision;

    /// <summary>
    /// The command question with what the engine saw: the classification with its predicates applied and shadow matches
    /// hidden, and the decision for this actor. <c>autopilot check command</c> and <c>AutopilotEngine.Act</c> both ask this.
    /// </summary>
    public ActionJudgement JudgeCommand(string command, ActionContext context, string level)
    {
        ArgumentNullException.ThrowIfNull(command);
        var judged = ApplyPredicates(Classifier.ClassifyCommand(command, context), level, context, command);
        return new ActionJudgement(Visible(judged), Decide("command", judged, level, context, command));
    }

    public Decision Path(string path, FileOp op, ActionContext context, string level) =>
        Decide("path", Classifier.ClassifyPath(path, op, context), level, context, path);

    public Decision Tool(string tool, ActionContext context, string level) =>
        Decide("tool", Classifier.ClassifyTool(tool, context with { Tool = context.Tool ?? tool }), level, context with { Tool = context.Tool ?? tool }, tool);

    /// <summary>The verdict for an already classified action.</summary>
    public Verdict VerdictFor(ActionClassification classification, string level, ActionContext context) =>
        Judge(classification, level, context).Decision.Verdict;

    /// <summary>
    /// What the agent hook asks: the classification with its predicates applied (for the reason it gives) and the
    /// decision for this actor.
    /// </summary>
    public ActionJudgement Judge(ActionClassification classification, string level, ActionContext context)
    {
        var judged = ApplyPredicates(classification, level, context);
        var decision = Decide("hook", judged, level, context, "");
        // Shadow rules are invisible to the agent: the classification its reason is built from leaves them out.
        return new ActionJudgement(Visible(judged), decision);
    }

    /// <summary>The classification as the agent may see it: without the matches of shadow rules (issue 14).</summary>
    public ActionClassification Visible(ActionClassification judged)
    {
        ArgumentNullException.ThrowIfNull(judged);
        var plan = _engine.Plan;
        return judged.Matches.Any(m => RuleEnforcement.LevelOf(m.RuleId, plan) == Enforcement.Shadow)
            ? WithMatches(judged, judged.Matches.Where(m => RuleEnforcement.LevelOf(m.RuleId, plan) != Enforcement.Shadow).ToArray())
            : judged;
    }

    public Decision Decide(string question, ActionClassification classification, string level, ActionContext context, string subject)
    {
        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.check");
        activity?.SetTag("autopilot.question", question);
        var decision = DecideCore(question, classification, level, context, subject);
        AutopilotTelemetry.RecordDecision(question, decision, activity);
        return decision;
    }

    private Decision DecideCore(string question, ActionClassification classification, string level, ActionContext context, string subject)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var levelIndex = plan.IndexOfAutonomyLevel(level);
        if (levelIndex < 0)
        {
            return Decision.FailClosed(RuleIds.AutonomyUnknown, $"'{level}' is not an autonomy level of this policy ({string.Join(", ", plan.AutonomyLevels)}).", plan.PolicyHash);
        }

        var uses = new List<PolicyExceptions.ExceptionUse>();
        var judged = ApplyExceptions(ApplyPredicates(classification, level, context, subject), context, question == "path" ? subject : null, subject, uses);
        var decision = DecideEnforced(judged, levelIndex, started);
        if (uses.Count == 0)
        {
            return decision;
        }

        // Each waiver is told (information, never part of the verdict) and carried for the ledger.
        var waivers = uses.Select(u => new Finding(u.ExceptionId, Severity.Info,
            $"waives {u.RuleId} for this action (owner {u.Owner}, until {u.Expires:yyyy-MM-dd}): {u.Reason}", plan.Exceptions.FirstOrDefault(e => e.Id == u.ExceptionId)?.Location));
        return new Decision([.. decision.Findings, .. waivers], decision.PolicyHash, decision.Elapsed) { Shadow = decision.Shadow, ExceptionsUsed = uses };
    }

    /// <summary>The decision over the judged matches, with warn and shadow rules kept out of the verdict.</summary>
    private Decision DecideEnforced(ActionClassification judged, int levelIndex, long started)
    {
        var plan = _engine.Plan;
        if (judged.IsUnknown)
        {
            // Unknown fails closed whatever the levels of the rules that matched: a shadow rule never lets it through.
            var unknown = RuleEnforcement.Apply(DecideMatches(judged, levelIndex, started), plan);
            return unknown.Verdict == Verdict.Deny ? unknown
                : new Decision([.. unknown.Findings, new Finding(RuleIds.ShellParse, Severity.Deny, "The action could not be understood.")], plan.PolicyHash, unknown.Elapsed) { Shadow = unknown.Shadow };
        }

        if (judged.Matches.All(m => RuleEnforcement.LevelOf(m.RuleId, plan) == Enforcement.Enforce))
        {
            return RuleEnforcement.Apply(DecideMatches(judged, levelIndex, started), plan);
        }

        // Warn and shadow rules (issue 14): the visible decision is made without them, as if they were not written;
        // their findings come from the decision with every rule enforced (what they would have done).
        var visible = DecideMatches(WithMatches(judged, judged.Matches.Where(m => RuleEnforcement.LevelOf(m.RuleId, plan) == Enforcement.Enforce).ToArray()), levelIndex, started);
        var strict = DecideMatches(judged, levelIndex, started);
        var findings = visible.Findings.Concat(strict.Findings.Where(f => RuleEnforcement.LevelOf(f.RuleId, plan) != Enforcement.Enforce)).ToArray();
        return RuleEnforcement.Apply(new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started)), plan);
    }

    /// <summary>
    /// The classification without the matches an exception waives now (each waiver added to <paramref name="uses"/>),
    /// the risk recomputed from the matches left. <paramref name="path"/> is the file of a file operation (null for
    /// other questions). Matches of built-in checks (unreadable commands, paths outside the
    /// workspace) are never waived: an exception names a risk rule of the policy.
    /// </summary>
    private ActionClassification ApplyExceptions(ActionClassification classification, ActionContext context, string? path, string subject, List<PolicyExceptions.ExceptionUse> uses)
    {
        if (Exceptions.IsEmpty)
        {
            return classification;
        }

        var now = _engine.Clock.GetUtcNow();
        var kept = new List<ActionMatch>(classification.Matches.Count);
        foreach (var match in classification.Matches)
        {
            if (match.Rule is not null && Exceptions.Find(match, subject, path, context, now) is { } waiver)
            {
                var use = new PolicyExceptions.ExceptionUse(waiver.Id, match.RuleId, waiver.Owner, waiver.Reason, new DateTimeOffset(waiver.Expires, TimeSpan.Zero), subject.Length > 0 ? subject : match.Invocation?.Text ?? match.Quote);
                if (!uses.Contains(use))
                {
                    uses.Add(use);
                }

                continue;
            }

            kept.Add(match);
        }

        return kept.Count == classification.Matches.Count ? classification : WithMatches(classification, kept);
    }

    /// <summary>The decision over the matches of a judged classification (predicates applied).</summary>
    private Decision DecideMatches(ActionClassification judged, int levelIndex, long started)
    {
        var plan = _engine.Plan;
        var matches = judged.Matches;
        var findings = PredicateFailures(matches);
        if (judged.IsUnknown)
        {
            // Unknown fails closed: no autonomy level makes an unreadable command safe.
            findings.AddRange(matches.Select(m => new Finding(m.RuleId, Severity.Deny, $"[{m.Risk}] {m.Reason}")));
            if (findings.Count == 0)
            {
                findings.Add(new Finding(RuleIds.ShellParse, Severity.Deny, "The action could not be understood."));
            }

            return new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started));
        }

        var risk = judged.RiskIndex;
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
    /// The classification with each rule's <c>when:</c> predicate applied to each match, that is to each invocation
    /// the rule matched: a match whose predicate is false is dropped, so no explanation names it; a match whose
    /// predicate cannot answer is kept (fail closed) with <see cref="ActionMatch.PredicateFailure"/> saying why.
    /// The risk is recomputed from the matches left. Facts: <c>program</c> (normalised), <c>rawProgram</c> (as
    /// written), <c>args</c>, <c>flags</c>, <c>positionals</c>, <c>command</c> (the invocation's text),
    /// <c>quote</c> (what the rule matched), <c>phase</c> and <c>level</c>.
    /// </summary>
    /// <param name="subject">The action as given (the command line, path or tool name), for <c>command</c> when a match has no invocation.</param>
    public ActionClassification ApplyPredicates(ActionClassification classification, string level, ActionContext context, string subject = "")
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(context);
        if (classification.PredicatesApplied)
        {
            return classification;
        }

        var run = new PredicateRun(_engine.Predicates);
        List<ActionMatch>? kept = null;
        for (var i = 0; i < classification.Matches.Count; i++)
        {
            var match = classification.Matches[i];
            var outcome = match.Rule?.When is { } when ? run.Judge(when.Value, match, Facts(match, level, context, subject)) : match;
            if (!ReferenceEquals(outcome, match) && kept is null)
            {
                kept = new List<ActionMatch>(classification.Matches.Count);
                for (var j = 0; j < i; j++)
                {
                    kept.Add(classification.Matches[j]);
                }
            }

            if (outcome is not null)
            {
                kept?.Add(outcome);
            }
        }

        if (kept is null)
        {
            return classification with { PredicatesApplied = true };
        }

        return WithMatches(classification, kept);
    }

    /// <summary>The classification with only <paramref name="kept"/> of its matches, its risk recomputed from them.</summary>
    private ActionClassification WithMatches(ActionClassification classification, IReadOnlyList<ActionMatch> kept)
    {
        var plan = _engine.Plan;
        var risk = Math.Max(0, plan.DefaultRisk);
        if (classification.IsUnknown)
        {
            risk = Math.Max(risk, plan.UnknownRisk);
        }

        foreach (var match in kept)
        {
            risk = Math.Max(risk, match.RiskIndex);
        }

        return classification with { RiskIndex = risk, Risk = plan.RiskLevels[risk], Matches = kept, PredicatesApplied = true };
    }

    private static PredicateFacts Facts(ActionMatch match, string level, ActionContext context, string subject)
    {
        var inv = match.Invocation;
        return new PredicateFacts()
            .Add("program", inv?.Program)
            .Add("rawProgram", inv?.RawProgram)
            .Add("args", inv?.Args ?? [])
            .Add("flags", inv?.Flags ?? [])
            .Add("positionals", inv?.Positionals ?? [])
            .Add("command", inv?.Text ?? subject)
            .Add("quote", match.Quote)
            .Add("phase", context.Phase)
            .Add("level", level);
    }

    /// <summary>One warning per rule and reason for the matches kept because their predicate could not answer.</summary>
    private static List<Finding> PredicateFailures(IReadOnlyList<ActionMatch> matches)
    {
        var findings = new List<Finding>();
        foreach (var match in matches)
        {
            if (match.PredicateFailure is not { } failure)
            {
                continue;
            }

            var where = match.Invocation is { } inv ? $" for '{CompiledCommandRule.Shorten(inv.Text)}'" : "";
            var finding = new Finding(match.RuleId, Severity.Warning, $"its 'when' predicate failed{where}, so the rule applies: {failure}", match.Rule?.When?.Location);
            if (!findings.Contains(finding))
            {
                findings.Add(finding);
            }
        }

        return findings;
    }
}
