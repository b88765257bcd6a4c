using System.CommandLine;
using Autopilot.Core.Hooks;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot doctor`: for each agent that is set up (or the one named), checks that Autopilot's hook is wired for every
/// event, that the agent's timeout leaves room for our own deadline, that the `autopilot` the hook runs is the one
/// installed, and sends known-bad commands through the agent's adapter expecting a deny. Exit 0 when all is well, 2 not.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var agent = new Option<string?>("--agent") { Description = "Check this agent even if it does not look set up." };
        agent.AcceptOnlyFromAmong([.. AgentWiring.All.Select(w => w.Agent)]);
        var home = new Option<string?>("--home") { Description = "The home folder for user-level settings (default: the current user's)." };
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var command = new Command("doctor", "Check the agents' hook wiring, their timeouts, the installed tool, and a self-test.") { agent, home, policy, repo };
        command.SetAction(result =>
        {
            var repository = result.GetValue(repo)!;
            var homeDir = result.GetValue(home) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            var only = result.GetValue(agent);
            var findings = new List<WiringFinding>();
            var checkedAny = false;
            foreach (var wiring in AgentWiring.All.Where(w => only is null || w.Agent == only))
            {
                var scopes = new[] { false, true }.Where(u => wiring.File(u, repository, homeDir) is not null).ToList();
                var configured = scopes.Where(u => wiring.LooksConfigured(u, repository, homeDir)).ToList();
                if (only is null && configured.Count == 0)
                {
                    continue;
                }

                checkedAny = true;
                // Wired when one scope (project or user) carries every hook; then the other scope's missing hooks are no finding.
                var files = (configured.Count > 0 ? configured : [false]).Select(u => wiring.File(u, repository, homeDir)!).ToList();
                var checks = files.Select(f => HookWiringFile.Check(wiring, f)).ToList();
                var wired = checks.Any(c => !c.Any(f => f.Missing));
                findings.AddRange(checks.SelectMany(c => c).Where(f => !(wired && f.Missing)));
                findings.AddRange(files.SelectMany(f => CheckTool(wiring.Agent, HookWiringFile.Commands(wiring, f))));
                var adapter = HookAdapter.For(wiring.Agent)!;
                findings.AddRange(HookSelfTest.Run(adapter, repository, result.GetValue(policy)));
                if (adapter.Capabilities.FailClosedSetting is null)
                {
                    // Nothing to check in the agent's settings: say what that means, once per agent.
                    findings.Add(new WiringFinding(false, wiring.Agent,
                        $"{adapter.DisplayName} has no setting that makes a crashed or timed-out hook block (the tool runs): Autopilot answers within its own {HookSettings.DefaultDeadline.TotalSeconds:0} s deadline, so keep the hook's timeout above {AgentWiring.MinimumTimeoutSeconds} s"));
                }
                if (!findings.Any(f => f.Agent == wiring.Agent && f.Error))
                {
                    Console.Out.WriteLine($"ok    {wiring.Agent}: hooks wired, timeouts long enough, self-test denied {string.Join(" and ", HookSelfTest.KnownBad.Select(c => $"`{c}`"))}");
                }
            }

            foreach (var finding in findings)
            {
                Console.Out.WriteLine($"{(finding.Error ? "error" : "warn ")} {finding.Agent}: {finding.Message}");
            }

            if (!checkedAny)
            {
                Console.Out.WriteLine($"No agent settings found ({string.Join(", ", AgentWiring.All.Select(w => w.ProjectFile))}); run `autopilot install <agent>` or name one with --agent.");
                return (int)ExitCode.Deny;
            }

            return findings.Any(f => f.Error) ? (int)ExitCode.Deny : (int)ExitCode.Allow;
        });
        return command;
    }

    /// <summary>The program a wired hook starts must be found, and be this installation (else the agent runs another version, or none, and fails open).</summary>
    private static IEnumerable<WiringFinding> CheckTool(string agent, IReadOnlyList<string> commands)
    {
        foreach (var command in commands)
        {
            var program = command.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            var found = program.Contains('/') ? (File.Exists(program) ? Path.GetFullPath(program) : null) : OnPath(program);
            if (found is null)
            {
                yield return new WiringFinding(true, agent, $"the hook runs `{command}`, but `{program}` is not found on PATH: the agent cannot start it (and may run the tool anyway)");
                continue;
            }

            var self = Environment.ProcessPath;
            if (Path.GetFileNameWithoutExtension(found) == "autopilot" && self is not null && Path.GetFileNameWithoutExtension(self) == "autopilot"
                && !string.Equals(Resolve(found), Resolve(self), StringComparison.Ordinal))
            {
                yield return new WiringFinding(false, agent, $"the `autopilot` on PATH ({found}) is not the one running doctor ({self}): the hook may run another version");
            }
        }
    }

    private static string? OnPath(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Resolve(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
}
