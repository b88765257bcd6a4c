using System.Text.Json;
using Autopilot.Core.Decisions;
using Autopilot.Core.Secrets;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Ledger;

/// <summary>The question a decision answered; the decision log and the replay name it (lower-case on the wire).</summary>
public static class DecisionQuestions
{
    public const string Command = "command";
    public const string Path = "path";
    public const string Tool = "tool";
    public const string Autonomy = "autonomy";
    public const string Hook = "hook";
    public const string Transition = "transition";
    public const string Escalation = "escalation";
    public const string Gate = "gate";
}

/// <summary>
/// The facts a decision read (issue 14), enough to decide it again under another policy. Which members are set
/// depends on the question: a command (text, working directory, level, phase), a tool call (tool, its input), a
/// file operation (path, operation), a transition (task, phases, evidence hashes), a change (range, diff hash) or
/// run signals. Secrets in text are masked (<see cref="SecretDetectors.Mask"/>) before anything is recorded.
/// </summary>
public sealed record DecisionFacts
{
    public string? Command { get; init; }

    public string? WorkingDirectory { get; init; }

    public string? Repository { get; init; }

    public string? Level { get; init; }

    /// <summary>The risk level judged (autonomy checks).</summary>
    public string? Risk { get; init; }

    public string? Phase { get; init; }

    public string? Tool { get; init; }

    /// <summary>The tool call's input object as the harness sent it (hook decisions), strings masked.</summary>
    public JsonElement? ToolInput { get; init; }

    public string? Path { get; init; }

    /// <summary>read, write or delete (path decisions).</summary>
    public string? Operation { get; init; }

    public string? Task { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    /// <summary>The evidence folder a transition read.</summary>
    public string? EvidenceRoot { get; init; }

    /// <summary>Evidence id → lower-case hex SHA-256 of the file the transition read.</summary>
    public IReadOnlyDictionary<string, string>? Evidence { get; init; }

    /// <summary>The change judged: <c>base...head</c>, <c>staged</c>, <c>worktree</c> or <c>diff:FILE</c>.</summary>
    public string? Range { get; init; }

    /// <summary>SHA-256 of the unified diff text the gate judged.</summary>
    public string? DiffSha256 { get; init; }

    /// <summary>Run signals by name (escalation decisions).</summary>
    public IReadOnlyDictionary<string, double>? Signals { get; init; }

    /// <summary>The same facts with every text masked by the gate's secret detectors.</summary>
    public DecisionFacts Masked() => this with
    {
        Command = MaskOrNull(Command),
        Path = MaskOrNull(Path),
        ToolInput = ToolInput is { } input ? DecisionLog.MaskJson(input) : null,
    };

    private static string? MaskOrNull(string? text) => text is null ? null : SecretDetectors.Mask(text);
}

/// <summary>One finding as the decision log keeps it: the rule, what it said, its level and where the rule is written.</summary>
/// <param name="Intended">For a warn or shadow rule: the severity it would have had if enforced.</param>
public sealed record DecisionRule(string Id, Severity Severity, Enforcement Enforcement, Severity? Intended, string? File, int Line, string Message)
{
    /// <summary>The severity the rule asks for when enforced.</summary>
    public Severity IntendedSeverity => Intended ?? Severity;

    public static DecisionRule From(Finding finding) =>
        new(finding.RuleId, finding.Severity, finding.Enforcement, finding.Intended, finding.RuleSource?.Path, finding.RuleSource?.Line ?? 0, SecretDetectors.Mask(finding.Message));
}

/// <summary>
/// A decision-log record (issue 14): what was decided (verdict, the rules with their files and lines), under which
/// policy (its digest), beside it what the shadow rules would have decided, and the facts the decision read. Kept in
/// an ordinary ledger entry's <c>details.decision</c> (see <see cref="DecisionLog"/> for the JSON), so it works on
/// every ledger store and is covered by the hash chain.
/// </summary>
/// <remarks>Value record; lists compare by reference.</remarks>
public sealed record DecisionRecord
{
    /// <summary>The record's format version, written as <c>v</c>.</summary>
    public const int CurrentVersion = 1;

    public required string Question { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>The verdict had every warn and shadow rule been enforced.</summary>
    public Verdict ShadowVerdict { get; init; }

    /// <summary>SHA-256 of the policy that decided.</summary>
    public required string PolicyDigest { get; init; }

    /// <summary>The policy file (or built-in name) the decision was made with, when known.</summary>
    public string? PolicyOrigin { get; init; }

    /// <summary>The decision's findings (enforced and warn rules), in order.</summary>
    public IReadOnlyList<DecisionRule> Rules { get; init; } = [];

    /// <summary>Findings of shadow rules: recorded here, never shown to the agent.</summary>
    public IReadOnlyList<DecisionRule> Shadow { get; init; } = [];

    public DecisionFacts Facts { get; init; } = new();

    /// <summary>Rules that decided the verdict (the findings with the verdict's severity).</summary>
    public IEnumerable<DecisionRule> Deciding => Rules.Where(r => Verdict != Verdict.Allow && r.Severity.ToVerdict() == Verdict);

    /// <summary>Every rule that produced a finding, shadow ones included (for coverage: rules that never fire are dead).</summary>
    public IEnumerable<string> FiredRuleIds => Rules.Select(r => r.Id).Concat(Shadow.Select(r => r.Id)).Distinct(StringComparer.Ordinal);

    /// <summary>The record of <paramref name="decision"/>, with <paramref name="facts"/> masked.</summary>
    public static DecisionRecord From(string question, Decision decision, DecisionFacts facts, string? policyOrigin = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(facts);
        return new DecisionRecord
        {
            Question = question,
            Verdict = decision.Verdict,
            ShadowVerdict = decision.ShadowVerdict,
            PolicyDigest = decision.PolicyHash,
            PolicyOrigin = policyOrigin,
            Rules = decision.Findings.Select(DecisionRule.From).ToArray(),
            Shadow = decision.Shadow.Select(DecisionRule.From).ToArray(),
            Facts = facts.Masked(),
        };
    }
}

/// <summary>A decision-log record with the ledger entry that holds it (sequence, time, actor).</summary>
public sealed record LoggedDecision(LedgerEntry Entry, DecisionRecord Record);
