using System.CommandLine;
using Autopilot.Core.Hooks;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot hook &lt;agent&gt;`: one hook event of the agent on stdin, the answer on stdout/stderr with the exit code
/// the agent's contract says. The logic is <see cref="HookRunner"/>'s (Core), which never throws and answers every
/// failure with the agent's blocking reply; this shell only reads options and stdin and writes the reply.
/// </summary>
internal static class HookCommand
{
    public static Command Create()
    {
        var command = new Command("hook", "Answer an agent's hook event read from stdin (see docs/agents.md).");
        foreach (var adapter in HookAdapter.All)
        {
            command.Subcommands.Add(AgentCommand(adapter));
        }

        return command;
    }

    private static Command AgentCommand(HookAdapter adapter)
    {
        var autonomy = new Option<string?>("--autonomy", "-a") { Description = "The agent's autonomy level (default: $AUTOPILOT_AUTONOMY, else the event's permission mode through --mode-map, else the policy's default)." };
        var phase = new Option<string?>("--phase") { Description = "The task's phase (default: $AUTOPILOT_PHASE, else the current phase of the task in the ledger)." };
        var task = new Option<string?>("--task", "-t") { Description = "The task in play (default: $AUTOPILOT_TASK): its decisions are recorded and its evidence gates the agent's stop." };
        var modeMap = new Option<string>("--mode-map") { Description = "permission_mode=level pairs.", DefaultValueFactory = _ => HookSettings.DefaultModeMap };
        var deadline = new Option<int?>("--deadline-ms") { Description = "Our own deadline in milliseconds (default: $AUTOPILOT_HOOK_DEADLINE_MS, else 10000), below the agent's hook timeout." };
        var state = StateOptions.StateDir();
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var command = new Command(adapter.Name, $"Answer one {adapter.DisplayName} hook event read from stdin.") { autonomy, phase, task, modeMap, deadline, state, policy, repo };
        command.SetAction(result =>
        {
            HookReply reply;
            try
            {
                var stdin = ReadLimited(Console.In, HookRunner.MaxInputLength + 1);
                var fromEnvironment = HookSettings.FromEnvironment(result.GetValue(repo)!);
                var settings = fromEnvironment with
                {
                    PolicyPath = result.GetValue(policy),
                    Autonomy = result.GetValue(autonomy) ?? fromEnvironment.Autonomy,
                    Phase = result.GetValue(phase) ?? fromEnvironment.Phase,
                    Task = result.GetValue(task) ?? fromEnvironment.Task,
                    ModeMap = result.GetValue(modeMap)!,
                    StateDir = result.GetValue(state),
                    Store = result.GetValue(StateOptions.Store),
                    Deadline = result.GetValue(deadline) is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : fromEnvironment.Deadline,
                };
                reply = HookRunner.Run(adapter.Name, stdin, settings);
            }
            catch (Exception ex) when (ex is not Core.Policies.PolicyHandOffException)
            {
                // Reading stdin failed: HookRunner was never reached, so answer its way here.
                reply = adapter.Failure($"Autopilot: deny: internal error: {ex.Message}; the tool call cannot be judged, so it is blocked.");
            }

            Console.Out.Write(reply.Stdout);
            if (reply.Stderr.Length > 0)
            {
                Console.Error.WriteLine(reply.Stderr);
            }

            return reply.ExitCode;
        });
        return command;
    }

    private static string ReadLimited(TextReader reader, int max)
    {
        var buffer = new char[8192];
        var text = new System.Text.StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > max)
            {
                break; // the runner refuses it as too long; no need to read the rest
            }
        }

        return text.ToString();
    }
}
