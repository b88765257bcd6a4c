using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Core.PolicyExceptions;

/// <summary>
/// One-time approvals (docs/policy-lifecycle.md): an escalated action hands out a code derived from its digest; a
/// person records an approval for that code in the ledger (<c>autopilot approve CODE --reason ...</c>); the next time
/// exactly that action is escalated, the approval is consumed (a ledger append whose idempotency key makes it happen
/// once, whichever process gets there first) and the escalation becomes an allow. Denies are never approved.
/// </summary>
internal static class ActionApprovals
{
    /// <summary>The rule id of the finding that says an approval was used.</summary>
    public const string RuleId = RuleIds.Approval;

    /// <summary>The <c>event</c> of an approval entry's details.</summary>
    public const string ApprovalEvent = "approval";

    /// <summary>The <c>event</c> of the entry that consumes an approval.</summary>
    public const string UsedEvent = "approval-used";

    /// <summary>How long an approval waits for its action unless the approver says otherwise.</summary>
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromHours(24);

    /// <summary>
    /// The digest of one exact action: SHA-256 (hex) over the question (command, path, tool), the action as given, the
    /// folder it runs in and its task. The same text in another folder or task is another action.
    /// </summary>
    public static string Digest(string question, string subject, ActionContext context)
    {
        var text = $"autopilot-action/v1\n{question}\n{subject}\n{context.WorkingDirectory ?? context.WorkspaceRoot}\n{context.Task}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The code a person types: the digest's first 50 bits in Crockford base32, as <c>XXXXX-XXXXX</c>.</summary>
    public static string CodeFor(string digest)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var bits = Convert.ToUInt64(digest[..16], 16) >> 14;
        var chars = new char[11];
        for (var i = 10; i >= 0; i--)
        {
            if (i == 5)
            {
                chars[i] = '-';
                continue;
            }

            chars[i] = alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return new string(chars);
    }

    /// <summary>The code as written by a person, normalised: upper case, I/L read as 1, O as 0, the dash where it belongs; null when it cannot be a code.</summary>
    public static string? NormalizeCode(string code)
    {
        var letters = new StringBuilder();
        foreach (var c in code.Trim().ToUpperInvariant())
        {
            var d = c switch { 'I' or 'L' => '1', 'O' => '0', _ => c };
            if (d == '-')
            {
                continue;
            }

            if (!"0123456789ABCDEFGHJKMNPQRSTVWXYZ".Contains(d))
            {
                return null;
            }

            letters.Append(d);
        }

        return letters.Length == 10 ? $"{letters.ToString(0, 5)}-{letters.ToString(5, 5)}" : null;
    }

    /// <summary>Records an approval of the action with <paramref name="code"/>, usable once until <paramref name="expires"/>.</summary>
    public static LedgerEntry Approve(ILedgerStore ledger, string code, string reason, string actor, DateTimeOffset expires)
    {
        var details = LedgerDetails.Object(("event", ApprovalEvent), ("code", code), ("reason", reason), ("expires", expires.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        return ledger.Append(new LedgerAppend { Actor = actor, Kind = LedgerEntryKind.Other, RuleIds = [RuleId], Details = details }).Entry;
    }

    /// <summary>
    /// When <paramref name="decision"/> escalates and the ledger holds an unused, unexpired approval for this action's
    /// code, consumes it and returns the decision with the escalations turned into information and an
    /// <see cref="RuleId"/> finding; otherwise returns <paramref name="decision"/> unchanged.
    /// </summary>
    public static Decision Apply(Decision decision, ILedgerStore ledger, string digest, string subject, string actor, DateTimeOffset now)
    {
        if (decision.Verdict != Verdict.Escalate)
        {
            return decision;
        }

        var code = CodeFor(digest);
        var entries = ledger.ReadAll();
        var used = new HashSet<string>(entries.Where(e => Event(e) == UsedEvent).Select(e => Detail(e, "approval") ?? ""), StringComparer.Ordinal);
        foreach (var approval in entries.Where(e => Event(e) == ApprovalEvent && Detail(e, "code") == code && !used.Contains(e.Hash)))
        {
            if (!DateTimeOffset.TryParse(Detail(approval, "expires"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var expires) || now >= expires)
            {
                continue;
            }

            var consumed = ledger.Append(new LedgerAppend
            {
                Actor = actor,
                Kind = LedgerEntryKind.Other,
                RuleIds = [RuleId, .. decision.Deciding.Select(f => f.RuleId).Distinct()],
                PolicyHash = decision.PolicyHash,
                // Whoever appends this key first consumes the approval; a second process gets Duplicate and no allow.
                IdempotencyKey = "approval-used:" + approval.Hash,
                Details = LedgerDetails.Object(("event", UsedEvent), ("code", code), ("approval", approval.Hash), ("digest", digest), ("subject", subject)),
            });
            if (consumed.Duplicate)
            {
                continue;
            }

            var reason = Detail(approval, "reason") ?? "";
            var findings = decision.Findings
                .Select(f => f.Severity == Severity.Escalate ? f with { Severity = Severity.Info, Message = $"(approved once) {f.Message}" } : f)
                .Append(new Finding(RuleId, Severity.Info, $"one-time approval {code} by {approval.Actor} (ledger entry {approval.Sequence}) used: {reason}"))
                .ToArray();
            var use = new ExceptionUse("approval:" + code, string.Join(",", decision.Deciding.Select(f => f.RuleId).Distinct()), approval.Actor, reason, expires, subject);
            return new Decision(findings, decision.PolicyHash, decision.Elapsed) { ExceptionsUsed = [.. decision.ExceptionsUsed, use] };
        }

        return decision;
    }

    internal static string? Event(LedgerEntry entry) => Detail(entry, "event");

    internal static string? Detail(LedgerEntry entry, string name) =>
        entry.Details is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// What a front end does with an action's decision before it answers (the one call for the CLI and agent hooks):
/// an escalation meets the one-time approvals in the ledger, and every exception or approval used is recorded.
/// </summary>
internal static class ActionSettlement
{
    /// <summary>True when settling needs the ledger: an exception was used, or an escalation might have been approved (the ledger exists).</summary>
    public static bool NeedsLedger(Decision decision, bool ledgerExists) =>
        decision.ExceptionsUsed.Count > 0 || (decision.Verdict == Verdict.Escalate && ledgerExists);

    /// <summary>The final decision: approved once when an approval for this exact action waits in the ledger; uses recorded.</summary>
    /// <param name="question">command, path or tool: the kind of action, part of its digest.</param>
    public static Decision Settle(Decision decision, ILedgerStore ledger, string question, string subject, ActionContext context, string actor, DateTimeOffset now)
    {
        var settled = ActionApprovals.Apply(decision, ledger, ActionApprovals.Digest(question, subject, context), subject, actor, now);
        ExceptionLedger.Record(ledger, settled, actor, context.Task);
        return settled;
    }

    /// <summary>What to tell the person when an action escalates: the code and the command that approves it once.</summary>
    public static string ApprovalHint(string question, string subject, ActionContext context) =>
        $"To allow exactly this action once, a person runs: autopilot approve {ActionApprovals.CodeFor(ActionApprovals.Digest(question, subject, context))} --reason \"<why>\"";
}
