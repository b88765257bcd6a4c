using System.CommandLine;
using Autopilot.Core.Hooks;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot install &lt;agent&gt; [--project|--user]`: adds Autopilot's hook to the agent's settings file, merging
/// (never overwriting) and keeping a backup of the file as it was; running it again changes nothing.
/// </summary>
internal static class InstallCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("agent") { Description = $"The agent: {string.Join(", ", AgentWiring.All.Select(w => w.Agent))}." };
        agent.AcceptOnlyFromAmong([.. AgentWiring.All.Select(w => w.Agent)]);
        var project = new Option<bool>("--project") { Description = "The repository's settings file (the default)." };
        var user = new Option<bool>("--user") { Description = "The user's settings file, for every repository." };
        var hookCommand = new Option<string>("--command") { Description = "How the agent starts Autopilot (default: autopilot, the installed tool on PATH).", DefaultValueFactory = _ => "autopilot" };
        var home = new Option<string?>("--home") { Description = "The home folder for --user (default: the current user's)." };
        var repo = CommonOptions.Repo();
        var command = new Command("install", "Wire Autopilot's hook into an agent's settings.") { agent, project, user, hookCommand, home, repo };
        command.SetAction(result =>
        {
            if (result.GetValue(project) && result.GetValue(user))
            {
                Console.Error.WriteLine("autopilot: choose --project or --user, not both.");
                return (int)ExitCode.Usage;
            }

            var wiring = AgentWiring.For(result.GetValue(agent)!)!;
            var isUser = result.GetValue(user);
            var homeDir = result.GetValue(home) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var file = wiring.File(isUser, result.GetValue(repo)!, homeDir);
            if (file is null)
            {
                Console.Error.WriteLine($"autopilot: {wiring.Agent} has no user-level hooks file; install it per repository (--project).");
                return (int)ExitCode.Usage;
            }

            try
            {
                var installed = HookWiringFile.Install(wiring, file, result.GetValue(hookCommand)!);
                if (!installed.Changed)
                {
                    Console.Out.WriteLine($"{file}: Autopilot's {wiring.Agent} hook is already wired; nothing changed.");
                    return (int)ExitCode.Allow;
                }

                Console.Out.WriteLine($"{file}: added Autopilot's hook for {string.Join(", ", installed.Added)}.");
                if (installed.Backup is not null)
                {
                    Console.Out.WriteLine($"The file as it was is kept at {installed.Backup}.");
                }

                return (int)ExitCode.Allow;
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"autopilot: {ex.Message}");
                return (int)ExitCode.BadInput;
            }
        });
        return command;
    }
}
