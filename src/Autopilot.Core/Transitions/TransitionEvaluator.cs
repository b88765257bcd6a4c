using System.Diagnostics;
using Autopilot.Core.Decisions;
using Autopilot.Core.Evidence;
using Autopilot.Core.Gates;
using Autopilot.Core.Policies;
using Autopilot.Core.Telemetry;
using Autopilot.Core.WorkOrders;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Transitions;

/// <summary>A request to move task <see cref="Task"/> from phase <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record TransitionRequest(string Task, string From, string To, string EvidenceRoot)
{
    /// <summary>The task's work order constraints, when one was applied: their required evidence is added to the phase's.</summary>
    public WorkOrderConstraints? Constraints { get; init; }
}

/// <summary>The decision plus what it was based on: the kind of move and the evidence that was inspected.</summary>
public sealed record TransitionResult(Decision Decision, TransitionKind? Kind, IReadOnlyList<EvidenceReport> Evidence);

/// <summary>
/// Evidence-gated phase transitions: forward one step with the phase's evidence present and valid;
/// a skip denied (and counted by the caller); a backtrack allowed and recorded.
/// </summary>
public sealed class TransitionEvaluator
{
    private readonly PolicyEngine _engine;

    public TransitionEvaluator(PolicyEngine engine) => _engine = engine;

    /// <summary>
    /// Where a repository's evidence is read: the policy's <c>evidence.root</c> under <paramref name="repositoryRoot"/>. The one
    /// place it is computed, for the transition command, the hook's stop gate, replays and <c>AutopilotEngine</c>.
    /// </summary>
    public static string EvidenceRoot(PolicyEngine engine, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Path.Combine(repositoryRoot, engine.Plan.EvidenceRoot);
    }

    public TransitionResult Evaluate(TransitionRequest request)
    {
        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.transition");
        activity?.SetTag("autopilot.task", request.Task);
        activity?.SetTag("autopilot.from", request.From);
        activity?.SetTag("autopilot.to", request.To);
        var result = EvaluateCore(request);
        result = result with { Decision = RuleEnforcement.Apply(result.Decision, _engine.Plan) };
        Record(result, activity);
        return result;
    }

    private static void Record(TransitionResult result, System.Diagnostics.Activity? activity)
    {
        var verdict = result.Decision.Verdict;
        var kind = result.Kind?.ToString().ToLowerInvariant() ?? "invalid";
        AutopilotTelemetry.Transitions.Add(1, new KeyValuePair<string, object?>("autopilot.kind", kind), new KeyValuePair<string, object?>("autopilot.verdict", verdict.ToWire()));
        switch (result.Kind)
        {
            case TransitionKind.Skip:
                AutopilotTelemetry.PhaseSkipsAttempted.Add(1);
                break;
            case TransitionKind.Backtrack when verdict == Verdict.Allow:
                AutopilotTelemetry.PhaseBacktracks.Add(1);
                break;
            case TransitionKind.Forward when verdict != Verdict.Allow:
                AutopilotTelemetry.EvidenceGateFailed.Add(1);
                break;
        }

        activity?.SetTag("autopilot.kind", kind);
        AutopilotTelemetry.RecordDecision("transition", result.Decision, activity);
    }

    private TransitionResult EvaluateCore(TransitionRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var rules = plan.Transitions;
        var from = plan.IndexOfPhase(request.From);
        var to = plan.IndexOfPhase(request.To);
        if (from >= 0 && to < 0 && request.To == Done && IsSafeTaskId(request.Task))
        {
            return Close(request, from, started);
        }

        if (from < 0 || to < 0)
        {
            var unknown = from < 0 ? request.From : request.To;
            var finding = new Finding(rules.UnknownPhase.Id, Severe(rules.UnknownPhase.Verdict),
                MessageTemplate.Fill(rules.UnknownPhase.Message, ("phase", unknown)) + $" Phases: {string.Join(", ", plan.Phases)}.");
            return new TransitionResult(new Decision([finding], plan.PolicyHash, Stopwatch.GetElapsedTime(started)), null, []);
        }

        if (!IsSafeTaskId(request.Task))
        {
            var finding = new Finding(RuleIds.TaskId, Severity.Deny, $"Task id '{request.Task}' must be a plain name (letters, digits, '.', '_', '-'), not a path.");
            return new TransitionResult(new Decision([finding], plan.PolicyHash, Stopwatch.GetElapsedTime(started)), null, []);
        }

        // Evidence is only read for a forward move: that is the only kind it can change.
        var kind = plan.Classify(from, to);
        var (reports, valid) = kind == TransitionKind.Forward ? InspectEvidence(request, from) : ([], 0UL);
        var outcome = _engine.TransitionGate.Check(from, to, valid);
        var findings = new List<Finding>();
        var names = new (string, string)[] { ("from", request.From), ("to", request.To), ("task", request.Task) };
        switch (outcome.Kind)
        {
            case TransitionKind.Forward:
                AddEvidenceFindings(findings, reports, names);
                AddWorkOrderFindings(findings, request);
                break;
            case TransitionKind.Skip:
                var skipped = plan.Phases.Skip(from + 1).Take(to - from - 1);
                findings.Add(new Finding(rules.Skip.Id, Severe(rules.Skip.Verdict),
                    MessageTemplate.Fill(rules.Skip.Message, [.. names, ("skipped", string.Join(", ", skipped))])));
                break;
            case TransitionKind.Backtrack:
                findings.Add(new Finding(rules.Backtrack.Id, Severe(rules.Backtrack.Verdict), MessageTemplate.Fill(rules.Backtrack.Message, names)));
                break;
            case TransitionKind.Same:
                findings.Add(new Finding(rules.SamePhase.Id, Severe(rules.SamePhase.Verdict), MessageTemplate.Fill(rules.SamePhase.Message, names)));
                break;
        }

        HonourGate(findings, outcome, names);
        return new TransitionResult(new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started)), outcome.Kind, reports);
    }

    /// <summary>
    /// The gate's verdict is the answer and the findings say why. A gate stricter than its reasons (a compiled gate
    /// out of step with the plan, a custom gate) still decides: the decision takes its verdict under the rule of the
    /// kind of move. A gate looser than the findings does not loosen them (fail closed).
    /// </summary>
    private void HonourGate(List<Finding> findings, TransitionOutcome outcome, (string, string)[] names)
    {
        var fromFindings = Verdict.Allow;
        foreach (var finding in findings)
        {
            fromFindings = VerdictExtensions.Max(fromFindings, finding.Severity.ToVerdict());
        }

        if (VerdictExtensions.Max(fromFindings, outcome.Verdict) == fromFindings)
        {
            return;
        }

        var rule = _engine.Plan.Transitions.RuleFor(outcome.Kind);
        findings.Add(new Finding(rule.Id, Severe(outcome.Verdict),
            $"The transition gate answered {outcome.Verdict.ToWire()} for this {outcome.Kind.ToString().ToLowerInvariant()} move from '{names[0].Item2}' to '{names[1].Item2}'" +
            (outcome.MissingEvidence != 0 ? $" (evidence missing: {string.Join(", ", MissingEvidenceNames(outcome.MissingEvidence))})." : ".")));
    }

    private IEnumerable<string> MissingEvidenceNames(ulong missing)
    {
        var evidence = _engine.Plan.Evidence;
        for (var i = 0; i < evidence.Count && i < 64; i++)
        {
            if ((missing & (1UL << i)) != 0)
            {
                yield return evidence[i].Id;
            }
        }
    }

    private (List<EvidenceReport> Reports, ulong Valid) InspectEvidence(TransitionRequest request, int from)
    {
        var plan = _engine.Plan;
        var required = plan.RequiredEvidence[from] | WorkOrderEvidence(request);
        var reports = new List<EvidenceReport>();
        var valid = 0UL;
        for (var i = 0; i < plan.Evidence.Count; i++)
        {
            if ((required & (1UL << i)) == 0)
            {
                continue;
            }

            var report = _engine.Evidence.Inspect(request.EvidenceRoot, request.Task, request.From, plan.Evidence[i]);
            reports.Add(report);
            if (report.Status == EvidenceStatus.Valid)
            {
                valid |= 1UL << i;
            }
        }

        return (reports, valid);
    }

    /// <summary>The evidence (as bits of the plan's list) the task's work order adds on leaving <see cref="TransitionRequest.From"/>.</summary>
    private ulong WorkOrderEvidence(TransitionRequest request)
    {
        var mask = 0UL;
        foreach (var evidence in request.Constraints?.RequiredEvidence ?? [])
        {
            var index = _engine.Plan.IndexOfEvidence(evidence.Id);
            if (evidence.AppliesLeaving(request.From) && index is >= 0 and < 64)
            {
                mask |= 1UL << index;
            }
        }

        return mask;
    }

    /// <summary>
    /// Says which evidence the work order added to leaving the phase (info), and denies on an id the policy does not
    /// define (the policy changed after the work order was applied): what cannot be checked is not waved through.
    /// </summary>
    private void AddWorkOrderFindings(List<Finding> findings, TransitionRequest request)
    {
        if (request.Constraints is not { } order)
        {
            return;
        }

        var added = order.RequiredEvidence.Where(e => e.AppliesLeaving(request.From)).ToList();
        var unknown = added.Where(e => _engine.Plan.IndexOfEvidence(e.Id) is < 0 or >= 64).Select(e => e.Id).ToList();
        if (unknown.Count > 0)
        {
            findings.Add(new Finding(WorkOrderEvidenceRule, Severity.Deny,
                $"The work order {order.Source} of task '{request.Task}' requires evidence the policy does not define: {string.Join(", ", unknown)}. Fix the work order and apply it again."));
        }
        else if (added.Count > 0)
        {
            findings.Add(new Finding(WorkOrderEvidenceRule, Severity.Info,
                $"The work order {order.Source} of task '{request.Task}' requires evidence {string.Join(", ", added.Select(e => e.Id))} to leave '{request.From}'."));
        }
    }

    private void AddEvidenceFindings(List<Finding> findings, List<EvidenceReport> reports, (string, string)[] names)
    {
        var rules = _engine.Plan.Transitions;
        foreach (var report in reports.Where(r => r.Status != EvidenceStatus.Valid))
        {
            var rule = report.Status == EvidenceStatus.Missing ? rules.MissingEvidence : rules.InvalidEvidence;
            findings.Add(new Finding(rule.Id, Severe(rule.Verdict),
                MessageTemplate.Fill(rule.Message, [.. names, ("evidence", report.Definition.Id), ("path", report.Path), ("reason", report.Reason ?? "")]),
                new SourceLocation(report.Path, 1, 1)));
        }
    }

    /// <summary>
    /// Closing a task: a move from the last phase (one with no way forward) to <see cref="Done"/>, which needs that
    /// phase's evidence like any forward move (the default policy's monitor phase: smoke test results close the task).
    /// </summary>
    private TransitionResult Close(TransitionRequest request, int from, long started)
    {
        var plan = _engine.Plan;
        var findings = new List<Finding>();
        var hasWayForward = Enumerable.Range(0, plan.PhaseCount).Any(t => plan.Classify(from, t) == TransitionKind.Forward);
        List<EvidenceReport> reports = [];
        if (hasWayForward)
        {
            findings.Add(new Finding(CloseRule, Severity.Deny, $"Only a last phase can close task '{request.Task}'; '{request.From}' leads on to another phase."));
        }
        else
        {
            (reports, _) = InspectEvidence(request, from);
            AddEvidenceFindings(findings, reports, [("from", request.From), ("to", request.To), ("task", request.Task)]);
            AddWorkOrderFindings(findings, request);
        }

        return new TransitionResult(new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started)), TransitionKind.Forward, reports);
    }

    /// <summary>
    /// The evidence the task's current phase requires, inspected as a move out of the phase would inspect it: the
    /// findings name every piece that is missing or invalid (none when all is there). Agent stop hooks use it so that
    /// an agent cannot finish while its phase's evidence is missing or failing. The evidence a work order adds
    /// (<paramref name="constraints"/>) counts too.
    /// </summary>
    public TransitionResult PhaseEvidence(string task, string phase, string evidenceRoot, WorkOrderConstraints? constraints = null)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var from = plan.IndexOfPhase(phase);
        var request = new TransitionRequest(task, phase, phase, evidenceRoot) { Constraints = constraints };
        if (from < 0 || !IsSafeTaskId(task))
        {
            // Let the ordinary checks name the problem (an unknown phase, a task id that is a path).
            return EvaluateCore(request with { To = from < 0 ? phase : Done });
        }

        var (reports, _) = InspectEvidence(request, from);
        var findings = new List<Finding>();
        AddEvidenceFindings(findings, reports, [("from", phase), ("to", phase), ("task", task)]);
        AddWorkOrderFindings(findings, request);
        return new TransitionResult(new Decision(findings, plan.PolicyHash, Stopwatch.GetElapsedTime(started)), TransitionKind.Same, reports);
    }

    /// <summary>The target that closes a task from its last phase (unless the policy has a phase of that name).</summary>
    public const string Done = "done";

    public const string CloseRule = RuleIds.TaskClose;

    /// <summary>Findings about the evidence a task's work order adds (docs/work-orders.md).</summary>
    public const string WorkOrderEvidenceRule = RuleIds.WorkOrderEvidence;

    /// <summary>An allowed outcome is still reported (as info) so that backtracks are visible and recorded.</summary>
    private static Severity Severe(Verdict verdict) => verdict == Verdict.Allow ? Severity.Info : verdict.ToSeverity();

    /// <summary>Task ids become folder names under the evidence root: no separators, no dot-dot.</summary>
    public static bool IsSafeTaskId(string task) =>
        task.Length is > 0 and <= 128 && task != "." && task != ".." &&
        task.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
