using System.CommandLine;
using Autopilot.Core.Hooks;
using Autopilot.Core.PolicyExceptions;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot approve CODE [--reason TEXT]`: records in the ledger a one-time approval of an escalated action, by the code
/// its escalation printed. Two kinds of code exist for now (to be made one): XXXXX-XXXXX from `check` escalations
/// (docs/policy-lifecycle.md; a reason is required) and apv-… from the hook adapters of agents that cannot ask, such as
/// Codex and Copilot (docs/agents.md). Either way the next identical action consumes the approval; later ones escalate again.
/// </summary>
internal static class ApproveCommand
{
    public static Command Create()
    {
        var code = new Argument<string>("code") { Description = "The code the escalation printed (XXXXX-XXXXX, or apv-… from an agent hook)." };
        var reason = new Option<string?>("--reason") { Description = "Why the action may go ahead (recorded in the ledger; required for XXXXX-XXXXX codes)." };
        var validFor = new Option<double>("--valid-for") { Description = "Hours the approval waits for its action.", DefaultValueFactory = _ => ActionApprovals.DefaultValidity.TotalHours };
        var stateDir = StateOptions.StateDir();
        var actor = StateOptions.Actor();
        var repo = CommonOptions.Repo();
        var command = new Command("approve", "Approve one escalated action once, by the code its escalation printed.") { code, reason, validFor, stateDir, actor, repo };
        command.SetAction(result =>
        {
            var state = StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!);
            var given = result.GetValue(code)!.Trim();
            try
            {
                if (given.StartsWith(HookApprovals.CodePrefix, StringComparison.Ordinal))
                {
                    using var hookStores = StateOptions.OpenStores(result, state);
                    using var hookLedger = hookStores.OpenLedger();
                    var granted = HookApprovals.Grant(hookLedger, given, result.GetValue(actor)!);
                    Console.Out.WriteLine($"Approved {given} once (ledger entry {granted.Sequence}); retry the action unchanged.");
                    return (int)ExitCode.Allow;
                }

                if (ActionApprovals.NormalizeCode(given) is not { } normalized)
                {
                    Console.Error.WriteLine($"autopilot: '{given}' is not an approval code (XXXXX-XXXXX, or {HookApprovals.CodePrefix}… from an agent hook).");
                    return (int)ExitCode.BadInput;
                }

                var why = result.GetValue(reason)?.Trim() ?? "";
                var hours = result.GetValue(validFor);
                if (why.Length == 0 || hours <= 0 || hours > 24 * 30)
                {
                    Console.Error.WriteLine(why.Length == 0 ? "autopilot: an approval needs a reason (--reason)." : "autopilot: --valid-for must be more than 0 and at most 720 hours.");
                    return (int)ExitCode.BadInput;
                }

                using var stores = StateOptions.OpenStores(result, state);
                using var ledger = stores.OpenLedger();
                var expires = DateTimeOffset.UtcNow.AddHours(hours);
                var entry = ActionApprovals.Approve(ledger, normalized, why, result.GetValue(actor)!, expires);
                Console.Out.WriteLine($"approved {normalized} once, until {expires:yyyy-MM-dd HH:mm} UTC (ledger entry {entry.Sequence})");
                return (int)ExitCode.Allow;
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"autopilot: {ex.Message}");
                return (int)ExitCode.BadInput;
            }
            catch (Exception ex) when (StateOptions.IsStateFailure(ex))
            {
                Console.Error.WriteLine($"autopilot: the approval could not be recorded: {ex.Message}");
                return (int)ExitCode.BadInput;
            }
        });
        return command;
    }
}
