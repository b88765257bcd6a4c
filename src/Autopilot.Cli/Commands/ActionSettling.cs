using System.CommandLine;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.PolicyExceptions;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>
/// The action checks' last step (docs/policy-lifecycle.md): a one-time approval waiting in the ledger turns an
/// escalation into an allow, each exception or approval used is recorded, and an escalation says how to approve it.
/// </summary>
internal static class ActionSettling
{
    public static Option<string?> Task() => new("--task") { Description = "The task the action belongs to (policy exceptions may be scoped to tasks)." };

    /// <summary>The settled decision, or null when the ledger could not record it (reported; exit with bad input).</summary>
    public static Decision? Settle(Decision decision, string question, string subject, ActionContext context, string? stateDir, string repo, string actor)
    {
        var state = StateOptions.Resolve(stateDir, repo);
        try
        {
            if (!ActionSettlement.NeedsLedger(decision, StateOptions.KeepsLedger(state)))
            {
                return Hint(decision, question, subject, context);
            }

            using var stores = StateOptions.OpenStores(state);
            using var ledger = stores.OpenLedger();
            return Hint(ActionSettlement.Settle(decision, ledger, question, subject, context, actor, DateTimeOffset.UtcNow), question, subject, context);
        }
        catch (Exception ex) when (StateOptions.IsStateFailure(ex))
        {
            Console.Error.WriteLine($"autopilot: the ledger could not record the exception or approval used ({ex.Message}); failing closed.");
            return null;
        }
    }

    private static Decision Hint(Decision decision, string question, string subject, ActionContext context)
    {
        if (decision.Verdict == Verdict.Escalate)
        {
            Console.Error.WriteLine(ActionSettlement.ApprovalHint(question, subject, context));
        }

        return decision;
    }
}
