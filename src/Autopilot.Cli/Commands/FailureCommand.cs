using System.CommandLine;
using System.Text.Json;
using Autopilot.Core.Failures;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot failure --message M [--kind K] [--retries N]`: retry this failure or not?</summary>
internal static class FailureCommand
{
    public static Command Create()
    {
        var message = new Option<string>("--message", "-m") { Description = "The failure's error message.", Required = true };
        var kind = new Option<string?>("--kind", "-k") { Description = "The failure's kind, when the caller knows it (precondition, disk-full, test-failure, ...)." };
        var retries = new Option<int>("--retries") { Description = "Retries already made.", DefaultValueFactory = _ => 0 };
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("failure", "Classify a failure: retry it or not, by the policy's failure classes.") { message, kind, retries, policy, format, repo };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            var outcome = new FailureClassifier(engine).Classify(result.GetValue(kind), result.GetValue(message)!, result.GetValue(retries));
            if (result.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new { @class = outcome.ClassId, retry = outcome.Retry, retriesLeft = outcome.RetriesLeft, reason = outcome.Reason }));
            }
            else
            {
                Console.Out.WriteLine($"{(outcome.Retry ? "RETRY" : "DO NOT RETRY")}: {outcome.Reason}");
            }

            // Exit 0 means retry; 2 means stop: scripts can loop on it.
            return outcome.Retry ? (int)ExitCode.Allow : (int)ExitCode.Deny;
        });
        return command;
    }
}
