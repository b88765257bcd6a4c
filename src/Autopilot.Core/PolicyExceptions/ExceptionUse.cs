namespace Autopilot.Core.PolicyExceptions;

/// <summary>
/// One use of a policy exception (or of a one-time approval) for one action: which rule it waived, who owns it, why,
/// until when, and the action. A front end records each in the ledger (<see cref="ExceptionLedger"/>).
/// </summary>
/// <param name="ExceptionId">The exception's id, or <c>approval:&lt;code&gt;</c> for a one-time approval.</param>
/// <param name="RuleId">The rule whose match was waived.</param>
/// <param name="Subject">The action: the command text, path or tool name.</param>
public sealed record ExceptionUse(string ExceptionId, string RuleId, string Owner, string Reason, DateTimeOffset? Expires, string Subject);
