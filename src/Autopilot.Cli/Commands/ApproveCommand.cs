using System.CommandLine;
using Autopilot.Core.PolicyExceptions;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot approve CODE --reason TEXT`: records in the ledger a one-time approval of the escalated action whose code
/// is CODE (docs/policy-lifecycle.md). The next check of exactly that action consumes it and is allowed; later ones
/// escalate again.
/// </summary>
internal static class ApproveCommand
{
    public static Command Create()
    {
        var code = new Argument<string>("code") { Description = "The code the escalation printed (XXXXX-XXXXX)." };
        var reason = new Option<string>("--reason") { Description = "Why the action may go ahead (recorded in the ledger).", Required = true };
        var validFor = new Option<double>("--valid-for") { Description = "Hours the approval waits for its action.", DefaultValueFactory = _ => ActionApprovals.DefaultValidity.TotalHours };
        var stateDir = StateOptions.StateDir();
        var actor = StateOptions.Actor();
        var repo = CommonOptions.Repo();
        var command = new Command("approve", "Approve one escalated action once, by the code its escalation printed.") { code, reason, validFor, stateDir, actor, repo };
        command.SetAction(result =>
        {
            if (ActionApprovals.NormalizeCode(result.GetValue(code)!) is not { } normalized)
            {
                Console.Error.WriteLine($"autopilot: '{result.GetValue(code)}' is not an approval code (ten letters and digits, written XXXXX-XXXXX).");
                return (int)ExitCode.BadInput;
            }

            var why = result.GetValue(reason)!.Trim();
            var hours = result.GetValue(validFor);
            if (why.Length == 0 || hours <= 0 || hours > 24 * 30)
            {
                Console.Error.WriteLine(why.Length == 0 ? "autopilot: an approval needs a reason." : "autopilot: --valid-for must be more than 0 and at most 720 hours.");
                return (int)ExitCode.BadInput;
            }

            try
            {
                using var ledger = StateOptions.OpenLedger(StateOptions.Resolve(result.GetValue(stateDir), result.GetValue(repo)!));
                var expires = DateTimeOffset.UtcNow.AddHours(hours);
                var entry = ActionApprovals.Approve(ledger, normalized, why, result.GetValue(actor)!, expires);
                Console.Out.WriteLine($"approved {normalized} once, until {expires:yyyy-MM-dd HH:mm} UTC (ledger entry {entry.Sequence})");
                return (int)ExitCode.Allow;
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
