using Autopilot.Policy.Model;

namespace Autopilot.Core.Decisions;

/// <summary>
/// The engine's answer: a verdict, the findings behind it, the hash of the policy that decided and
/// how long it took. The verdict is the most restrictive finding's (allow when there is none).
/// </summary>
public sealed record Decision
{
    public Decision(IReadOnlyList<Finding> findings, string policyHash, TimeSpan elapsed)
    {
        Findings = findings;
        PolicyHash = policyHash;
        Elapsed = elapsed;
        var verdict = Verdict.Allow;
        foreach (var finding in findings)
        {
            verdict = VerdictExtensions.Max(verdict, finding.Severity.ToVerdict());
        }

        Verdict = verdict;
    }

    public Verdict Verdict { get; }

    public IReadOnlyList<Finding> Findings { get; }

    public string PolicyHash { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>The policy exceptions and one-time approvals that waived a rule for this action (docs/policy-lifecycle.md); a front end records each in the ledger.</summary>
    public IReadOnlyList<PolicyExceptions.ExceptionUse> ExceptionsUsed { get; init; } = [];
    /// <summary>
    /// Findings of rules in shadow mode (issue 14): evaluated and recorded in the decision log beside this decision,
    /// never part of its verdict and never shown to the agent.
    /// </summary>
    public IReadOnlyList<Finding> Shadow { get; init; } = [];

    /// <summary>The verdict had every warn and shadow rule been enforced: what a report of the rollout shows.</summary>
    public Verdict ShadowVerdict
    {
        get
        {
            var verdict = Verdict;
            foreach (var finding in Findings)
            {
                verdict = VerdictExtensions.Max(verdict, finding.IntendedSeverity.ToVerdict());
            }

            foreach (var finding in Shadow)
            {
                verdict = VerdictExtensions.Max(verdict, finding.IntendedSeverity.ToVerdict());
            }

            return verdict;
        }
    }

    /// <summary>The findings that decided the verdict (same verdict as the decision); empty for a plain allow.</summary>
    public IEnumerable<Finding> Deciding => Findings.Where(f => f.Severity.ToVerdict() == Verdict && Verdict != Verdict.Allow);

    public static Decision Allow(string policyHash, TimeSpan elapsed = default) => new([], policyHash, elapsed);

    /// <summary>
    /// The engine could not understand something: never allow silently. The finding names the rule
    /// (or the input) that failed and why.
    /// </summary>
    public static Decision FailClosed(string ruleId, string message, string policyHash, SourceLocation? location = null, Verdict verdict = Verdict.Deny) =>
        new([new Finding(ruleId, verdict == Verdict.Escalate ? Severity.Escalate : Severity.Deny, message, location)], policyHash, TimeSpan.Zero);
}
