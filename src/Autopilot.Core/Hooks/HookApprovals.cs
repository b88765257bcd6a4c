using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// One-time approvals for agents whose hooks cannot ask a person (Codex, Copilot, Cursor's file reads). An escalated
/// action is denied with a code derived from the exact action (<see cref="Code"/>) and recorded in the ledger as
/// pending; <c>autopilot approve &lt;code&gt;</c> records a grant (<see cref="Grant"/>), or the person sets
/// <c>AUTOPILOT_APPROVE=&lt;code&gt;</c>; the next identical action is then allowed once, and that use is recorded too.
/// All of it lives in ledger entries' <c>details.approval</c> (<c>code</c>, <c>status</c>: pending, granted or
/// consumed, <c>via</c>: ledger or env), so the ledger alone tells what was approved, by whom and when it was used.
/// </summary>
internal static class HookApprovals
{
    /// <summary>What every hook approval code starts with.</summary>
    public const string CodePrefix = "apv-";

    public const string RuleId = RuleIds.Approval;

    /// <summary>The code for an action: the same action always gets the same code, any change to it another.</summary>
    public static string Code(string action) =>
        CodePrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(action)))[..12];

    /// <summary>Whether a grant for <paramref name="code"/> is unused: one from the ledger, else the environment's (each usable once).</summary>
    /// <returns>"ledger" or "env" when the action may go ahead once; null when it may not.</returns>
    public static string? Available(IReadOnlyList<LedgerEntry> entries, string code, IReadOnlyList<string> environmentCodes)
    {
        int granted = 0, usedFromLedger = 0;
        var usedFromEnvironment = false;
        foreach (var (entryCode, status, via) in Approvals(entries))
        {
            if (entryCode != code)
            {
                continue;
            }

            granted += status == "granted" ? 1 : 0;
            usedFromLedger += status == "consumed" && via == "ledger" ? 1 : 0;
            usedFromEnvironment |= status == "consumed" && via == "env";
        }

        return granted > usedFromLedger ? "ledger"
            : environmentCodes.Contains(code, StringComparer.Ordinal) && !usedFromEnvironment ? "env"
            : null;
    }

    /// <summary>Records a person's grant of <paramref name="code"/>, which must belong to an escalation the ledger holds.</summary>
    /// <exception cref="InvalidOperationException">No escalation in the ledger carries the code.</exception>
    public static LedgerEntry Grant(ILedgerStore ledger, string code, string actor)
    {
        var entries = ledger.ReadAll();
        var pending = entries.LastOrDefault(e => Approvals([e]).Any(a => a.Code == code && a.Status == "pending"))
            ?? throw new InvalidOperationException($"no escalation with approval code '{code}' is recorded in the ledger; the code is printed in the hook's deny reason");
        var action = pending.Details is { } d && d.TryGetProperty("hook", out var hook) && hook.TryGetProperty("action", out var a) ? a.GetString() : null;
        return ledger.Append(new LedgerAppend
        {
            Actor = actor,
            Kind = LedgerEntryKind.Other,
            Task = pending.Task,
            FromPhase = pending.FromPhase,
            RuleIds = [RuleId],
            PolicyHash = pending.PolicyHash,
            Details = Details(code, "granted", null, action),
        }).Entry;
    }

    internal static JsonElement Details(string code, string status, string? via, string? action)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            WriteApproval(w, code, status, via);
            if (action is not null)
            {
                w.WriteStartObject("hook");
                w.WriteString("action", action);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return doc.RootElement.Clone();
    }

    internal static void WriteApproval(Utf8JsonWriter w, string code, string status, string? via)
    {
        w.WriteStartObject("approval");
        w.WriteString("code", code);
        w.WriteString("status", status);
        if (via is not null)
        {
            w.WriteString("via", via);
        }

        w.WriteEndObject();
    }

    private static IEnumerable<(string Code, string Status, string? Via)> Approvals(IEnumerable<LedgerEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Details is { ValueKind: JsonValueKind.Object } details && details.TryGetProperty("approval", out var approval)
                && approval.ValueKind == JsonValueKind.Object
                && approval.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                && approval.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String)
            {
                var via = approval.TryGetProperty("via", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                yield return (code.GetString()!, status.GetString()!, via);
            }
        }
    }
}
