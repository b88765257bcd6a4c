using System.CommandLine;
using Autopilot.Core.Hooks;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot hook claude-code`: one Claude Code hook event on stdin, the answer on stdout as the hook contract
/// says (<see cref="HookRunner"/>). A hook that crashes lets the action through, so every error ends as a deny.
/// </summary>
internal static class HookCommand
{
    public static Command Create()
    {
        var autonomy = new Option<string?>("--autonomy", "-a") { Description = "The agent's autonomy level (default: $AUTOPILOT_AUTONOMY, else the event's permission_mode through --mode-map, else the policy's default)." };
        var phase = new Option<string?>("--phase") { Description = "The task's phase (default: $AUTOPILOT_PHASE, else the current phase of $AUTOPILOT_TASK in the ledger)." };
        var modeMap = new Option<string>("--mode-map") { Description = "permission_mode=level pairs.", DefaultValueFactory = _ => HookRunner.DefaultModeMap };
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var claude = new Command("claude-code", "Answer one Claude Code (or Codex) hook event read from stdin.") { autonomy, phase, modeMap, policy, repo };
        claude.SetAction(result =>
        {
            HookReply reply;
            try
            {
                var stdin = ReadLimited(Console.In, ClaudeCodeHook.MaxInputLength + 1);
                var settings = new HookSettings(result.GetValue(repo)!, result.GetValue(policy), result.GetValue(autonomy), result.GetValue(phase), result.GetValue(modeMap)!);
                reply = HookRunner.Run("claude-code", stdin, settings);
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                reply = HookRunner.Deny($"the hook input cannot be read: {ex.Message}");
            }

            Console.Out.Write(reply.Stdout);
            if (reply.Stderr.Length > 0)
            {
                Console.Error.WriteLine(reply.Stderr);
            }

            return reply.ExitCode;
        });
        var command = new Command("hook", "Adapters for agent harness hooks.");
        command.Subcommands.Add(claude);
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
                break; // the adapter refuses it as too long; no need to read the rest
            }
        }

        return text.ToString();
    }
}
