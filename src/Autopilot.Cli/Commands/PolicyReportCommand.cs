using System.CommandLine;
using Autopilot.Core.Lifecycle;
using Autopilot.Core.Output;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot policy report --since 7d`: what warn and shadow rules would have done over a period, read from the
/// decision log of a ledger that verifies.
/// </summary>
internal static class PolicyReportCommand
{
    public static Command Create()
    {
        var since = new Option<string>("--since") { Description = "The period to report: 30m, 12h, 7d, 2w.", DefaultValueFactory = _ => "7d" };
        var ledger = new Option<string?>("--ledger") { Description = "Ledger folder (default: the state folder's ledger/)." };
        var state = StateOptions.StateDir();
        var format = CommonOptions.Format("text", "json", "markdown");
        var repo = CommonOptions.Repo();
        var command = new Command("report", "Report what warn and shadow rules would have done over a period, from the decision log.") { since, ledger, state, format, repo };
        command.SetAction(result =>
        {
            TimeSpan period;
            try
            {
                period = ShadowReport.ParsePeriod(result.GetValue(since)!);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"autopilot: --since: {ex.Message}");
                return (int)ExitCode.Usage;
            }

            var directory = LedgerFolder(result.GetValue(ledger), result.GetValue(state), result.GetValue(repo)!);
            if (PolicyReplayCommand.ReadLog(directory) is not { } log)
            {
                return (int)ExitCode.BadInput;
            }

            var now = DateTimeOffset.UtcNow;
            var report = ShadowReport.Build(log.Decisions, now - period, now, log.Warnings);
            Console.Out.Write(ShadowReportWriter.Write(report, result.GetValue(format)!));
            return (int)ExitCode.Allow;
        });
        return command;
    }

    /// <summary>--ledger, else the state folder's ledger/.</summary>
    public static string LedgerFolder(string? ledger, string? stateDir, string repo) =>
        Path.GetFullPath(ledger ?? StateOptions.LedgerDir(StateOptions.Resolve(stateDir, repo)));
}
