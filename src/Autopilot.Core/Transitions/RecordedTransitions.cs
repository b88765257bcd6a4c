using System.Text.Json.Nodes;
using System.Text.Json;
using Autopilot.Core.Decisions;
using Autopilot.Core.Evidence;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Core.WorkOrders;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Transitions;

/// <summary>The outcome of a recorded transition: the decision, the ledger entry that records it, and whether it replays an earlier call.</summary>
public sealed record RecordedTransition(TransitionResult Result, LedgerEntry Entry, bool Replayed, string From);

/// <summary>
/// Stateful transitions: a task's current phase comes from the ledger, every attempt (allowed or denied)
/// is appended to it, and a phase that the policy marks <c>requiresLease</c> can only be left by the
/// actor holding its lease. An idempotency key makes a retried call record nothing new and answer the
/// first outcome.
/// </summary>
public sealed class RecordedTransitions
{
    public const string TaskStartRule = RuleIds.TaskStart;
    public const string LeaseRequiredRule = RuleIds.LeaseRequired;

    private readonly PolicyEngine _engine;
    private readonly ILedgerStore _ledger;
    private readonly ILeaseStore? _leases;

    public RecordedTransitions(PolicyEngine engine, ILedgerStore ledger, ILeaseStore? leases)
    {
        _engine = engine;
        _ledger = ledger;
        _leases = leases;
    }

    /// <summary>
    /// Moves <paramref name="task"/> to <paramref name="to"/>; <paramref name="from"/> defaults to the phase the ledger says it is in.
    /// The evidence the task's work order adds (<paramref name="constraints"/>) is required too.
    /// </summary>
    public RecordedTransition Move(string task, string? from, string to, string evidenceRoot, string actor, string? idempotencyKey = null, WorkOrderConstraints? constraints = null)
    {
        var reader = new LedgerReader(_ledger.ReadAll());
        if (idempotencyKey is not null && reader.Show(task).LastOrDefault(e => e.IdempotencyKey == idempotencyKey) is { } earlier)
        {
            return new RecordedTransition(Replay(earlier), earlier, Replayed: true, earlier.FromPhase ?? "");
        }

        var plan = _engine.Plan;
        var current = reader.CurrentPhase(task);
        if (current is null && TransitionEvaluator.IsSafeTaskId(task) && plan.PhaseCount > 0)
        {
            // A task's history starts in the first phase: record that, so the timeline has a beginning.
            current = plan.Phases[0];
            _ledger.Append(new LedgerAppend
            {
                Actor = actor,
                Kind = LedgerEntryKind.Transition,
                Task = task,
                ToPhase = current,
                Verdict = Verdict.Allow,
                RuleIds = [TaskStartRule],
                PolicyHash = plan.PolicyHash,
            });
        }

        from ??= current ?? "";
        var result = new TransitionEvaluator(_engine).Evaluate(new TransitionRequest(task, from, to, evidenceRoot) { Constraints = constraints });
        result = RequireLease(result, task, from, actor);

        var decision = result.Decision;
        var kind = decision.Verdict != Verdict.Allow ? LedgerEntryKind.Denied
            : result.Kind == TransitionKind.Backtrack ? LedgerEntryKind.Backtrack
            : LedgerEntryKind.Transition;
        var evidence = result.Evidence.Where(e => e.Sha256 is not null).ToDictionary(e => e.Definition.Id, e => e.Sha256!);
        var facts = new DecisionFacts { Task = task, From = from, To = to, Evidence = evidence, EvidenceRoot = evidenceRoot };
        var origin = plan.SourcePath is { Length: > 0 } source ? source : PolicySource.BuiltInName;
        // The transition's own entry carries its decision-log record: one append, not two (issue 14).
        var appended = _ledger.Append(DecisionLog.Attach(new LedgerAppend
        {
            Actor = actor,
            Kind = kind,
            Task = task,
            FromPhase = from,
            ToPhase = to,
            Verdict = decision.Verdict,
            RuleIds = decision.Findings.Select(f => f.RuleId).Distinct().ToArray(),
            PolicyHash = plan.PolicyHash,
            Evidence = evidence,
            IdempotencyKey = idempotencyKey,
            Details = FindingsDetails(decision, result.Kind),
        }, DecisionRecord.From(DecisionQuestions.Transition, decision, facts, origin)));
        return new RecordedTransition(result, appended.Entry, appended.Duplicate, from);
    }

    private TransitionResult RequireLease(TransitionResult result, string task, string from, string actor)
    {
        var plan = _engine.Plan;
        var index = plan.IndexOfPhase(from);
        if (index < 0 || !plan.PhaseDefinitions[index].RequiresLease || result.Kind != TransitionKind.Forward)
        {
            return result;
        }

        var lease = _leases?.Get(task, from);
        var now = DateTimeOffset.UtcNow;
        string? problem = lease is null ? $"leaving '{from}' needs its lease, and nobody holds it"
            : lease.IsExpired(now) ? $"the lease on '{from}' expired at {lease.ExpiresAt:u}"
            : lease.Holder != actor ? $"the lease on '{from}' is held by '{lease.Holder}' until {lease.ExpiresAt:u}, not by '{actor}'"
            : null;
        if (problem is null)
        {
            return result;
        }

        var findings = result.Decision.Findings.Append(new Finding(LeaseRequiredRule, Severity.Deny, $"Phase '{from}' requires a lease: {problem}.")).ToArray();
        return result with { Decision = new Decision(findings, result.Decision.PolicyHash, result.Decision.Elapsed) { Shadow = result.Decision.Shadow } };
    }

    /// <summary>The findings go into the entry's details so that a replay answers exactly what the first call did.</summary>
    private static JsonElement FindingsDetails(Decision decision, TransitionKind? kind)
    {
        var findings = new JsonArray();
        foreach (var f in decision.Findings)
        {
            findings.Add((JsonNode)new JsonObject { ["ruleId"] = f.RuleId, ["severity"] = f.Severity.ToWire(), ["message"] = f.Message });
        }

        var details = new JsonObject { ["kind"] = kind?.ToString().ToLowerInvariant(), ["findings"] = findings };
        using var document = JsonDocument.Parse(details.ToJsonString());
        return document.RootElement.Clone();
    }

    private static TransitionResult Replay(LedgerEntry entry)
    {
        var findings = new List<Finding>();
        TransitionKind? kind = null;
        if (entry.Details is { ValueKind: JsonValueKind.Object } details)
        {
            if (details.TryGetProperty("kind", out var k) && Enum.TryParse<TransitionKind>(k.GetString(), ignoreCase: true, out var parsed))
            {
                kind = parsed;
            }

            if (details.TryGetProperty("findings", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var f in list.EnumerateArray())
                {
                    var severity = f.GetProperty("severity").GetString() switch
                    {
                        "deny" => Severity.Deny,
                        "escalate" => Severity.Escalate,
                        "warning" => Severity.Warning,
                        _ => Severity.Info,
                    };
                    findings.Add(new Finding(f.GetProperty("ruleId").GetString() ?? "", severity, f.GetProperty("message").GetString() ?? ""));
                }
            }
        }

        return new TransitionResult(new Decision(findings, entry.PolicyHash ?? "", TimeSpan.Zero), kind, []);
    }
}
