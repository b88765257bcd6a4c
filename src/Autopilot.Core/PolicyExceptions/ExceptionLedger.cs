using System.Text.Json;
using Autopilot.Core.Decisions;
using Autopilot.Core.Ledger;

namespace Autopilot.Core.PolicyExceptions;

/// <summary>Records each use of a policy exception in the ledger: who may later ask which exceptions were used, for what, and how often.</summary>
internal static class ExceptionLedger
{
    /// <summary>The <c>event</c> of an exception-use entry's details.</summary>
    public const string UsedEvent = "exception-used";

    /// <summary>
    /// Appends one entry per policy exception <paramref name="decision"/> used (approvals record their own use when
    /// consumed, <see cref="ActionApprovals.Apply"/>). Returns how many were recorded.
    /// </summary>
    public static int Record(ILedgerStore ledger, Decision decision, string actor, string? task)
    {
        var count = 0;
        foreach (var use in decision.ExceptionsUsed.Where(u => !u.ExceptionId.StartsWith("approval:", StringComparison.Ordinal)))
        {
            ledger.Append(new LedgerAppend
            {
                Actor = actor,
                Kind = LedgerEntryKind.Other,
                Task = task,
                Verdict = decision.Verdict,
                RuleIds = [use.ExceptionId, use.RuleId],
                PolicyHash = decision.PolicyHash,
                Details = LedgerDetails.Object(("event", UsedEvent), ("exception", use.ExceptionId), ("rule", use.RuleId), ("owner", use.Owner), ("reason", use.Reason), ("expires", use.Expires?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? ""), ("subject", use.Subject)),
            });
            count++;
        }

        return count;
    }
}
