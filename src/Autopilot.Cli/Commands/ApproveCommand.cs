using System.CommandLine;
using Autopilot.Core.Hooks;
using Autopilot.Core.Ledger;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot approve &lt;code&gt;`: a person's one-time approval of an action a hook escalated for an agent that cannot
/// ask (Codex, Copilot): recorded in the ledger, used by the next identical action only.
/// </summary>
internal static class ApproveCommand
{
    public static Command Create()
    {
        var code = new Argument<string>("code") { Description = "The approval code from the hook's deny reason (apv-...)." };
        var actor = StateOptions.Actor();
        var state = StateOptions.StateDir();
        var repo = CommonOptions.Repo();
        var command = new Command("approve", "Approve once an action a hook escalated (the code is in the agent's deny reason).") { code, actor, state, repo };
        command.SetAction(result =>
        {
            try
            {
                // The hooks keep their approvals in the state folder's file ledger (they do not read --store yet), so the grant goes there too.
                using var ledger = FileLedgerStore.Open(Path.Combine(StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!), "ledger"));
                var entry = HookApprovals.Grant(ledger, result.GetValue(code)!, result.GetValue(actor)!);
                Console.Out.WriteLine($"Approved {result.GetValue(code)} once (ledger entry {entry.Sequence}); retry the action unchanged.");
                return (int)ExitCode.Allow;
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine($"autopilot: {ex.Message}");
                return (int)ExitCode.BadInput;
            }
            catch (Exception ex) when (StateOptions.IsStateFailure(ex))
            {
                Console.Error.WriteLine($"autopilot: the ledger cannot be used: {ex.Message}");
                return (int)ExitCode.BadInput;
            }
        });
        return command;
    }
}
