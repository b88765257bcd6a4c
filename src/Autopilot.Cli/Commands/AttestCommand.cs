using System.CommandLine;
using Autopilot.Core.Attestation;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot attest record|check|update`: recorded prompt/header hashes per task and phase. Drift is a
/// finding whose severity the policy sets per phase (warning by default, an error in verify, review, monitor).
/// </summary>
internal static class AttestCommand
{
    public static Command Create()
    {
        var command = new Command("attest", "Record and check the hashes of prompts and headers per task and phase.");
        foreach (var verb in new[] { "record", "check", "update" })
        {
            command.Subcommands.Add(Verb(verb));
        }

        return command;
    }

    private static Command Verb(string verb)
    {
        var task = new Option<string>("--task", "-t") { Description = "Task id.", Required = true };
        var phase = new Option<string>("--phase") { Description = "Phase.", Required = true };
        var files = new Option<string[]>("--file") { Description = "Files whose SHA-256 is the subject (name = path relative to the repository).", AllowMultipleArgumentsPerToken = true };
        var subjects = new Option<string[]>("--subject") { Description = "A subject as name=sha256.", AllowMultipleArgumentsPerToken = true };
        var reason = new Option<string?>("--reason") { Description = "Why the recorded hashes change (required for update)." };
        var actor = StateOptions.Actor();
        var state = StateOptions.StateDir();
        var policy = CommonOptions.Policy();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command(verb, verb switch
        {
            "record" => "Record the first version of the hashes.",
            "update" => "Record a new version of the hashes, with a reason.",
            _ => "Compare current hashes with the recorded ones; drift is a finding.",
        })
        { task, phase, files, subjects, reason, actor, state, policy, format, repo };
        command.SetAction(result =>
        {
            var repoRoot = result.GetValue(repo)!;
            var outputFormat = result.GetValue(format)!;
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), repoRoot);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            if (engine.Plan.IndexOfPhase(result.GetValue(phase)!) < 0)
            {
                return CommonOptions.BadInput(RuleIds.PhaseUnknown, $"'{result.GetValue(phase)}' is not a phase of this policy.", outputFormat, engine.PolicyHash);
            }

            IReadOnlyDictionary<string, string> current;
            try
            {
                current = AttestationSubjects.WithPairs(AttestationSubjects.FromFiles(result.GetValue(files) ?? [], repoRoot), result.GetValue(subjects) ?? []);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
            {
                return CommonOptions.BadInput(RuleIds.AttestInput, ex.Message, outputFormat, engine.PolicyHash);
            }

            if (current.Count == 0)
            {
                return CommonOptions.BadInput(RuleIds.AttestInput, "Give at least one --file or --subject.", outputFormat, engine.PolicyHash);
            }

            var stateDir = StateOptions.Resolve(result.GetValue(state), repoRoot);
            try
            {
                using var stores = StateOptions.OpenStores(result, stateDir);
                using var ledger = stores.OpenLedger();
                var store = stores.OpenAttestations(ledger);
                var t = result.GetValue(task)!;
                var p = result.GetValue(phase)!;
                switch (verb)
                {
                    case "record":
                        var recorded = store.Record(t, p, current, result.GetValue(actor)!);
                        Console.Out.WriteLine($"recorded version {recorded.Version} ({recorded.Subjects.Count} subject(s)), ledger #{recorded.LedgerSequence}");
                        return (int)ExitCode.Allow;
                    case "update":
                        if (string.IsNullOrWhiteSpace(result.GetValue(reason)))
                        {
                            return CommonOptions.BadInput(RuleIds.AttestInput, "An update needs --reason.", outputFormat, engine.PolicyHash);
                        }

                        var updated = store.Update(t, p, current, result.GetValue(actor)!, result.GetValue(reason)!);
                        Console.Out.WriteLine($"updated to version {updated.Version}, ledger #{updated.LedgerSequence}");
                        return (int)ExitCode.Allow;
                }

                var check = store.Check(t, p, current);
                return CommonOptions.Emit(AttestationDecision.Decide(engine, check), outputFormat, $"attestation {t}/{p}{(check.Version is { } v ? $" v{v}" : "")}");
            }
            catch (AttestationException ex)
            {
                return CommonOptions.BadInput(RuleIds.AttestInput, ex.Message, outputFormat, engine.PolicyHash);
            }
            catch (Exception ex) when (StateOptions.IsStateFailure(ex))
            {
                return CommonOptions.BadInput(RuleIds.State, $"the state cannot be used: {ex.Message}", outputFormat, engine.PolicyHash);
            }
        });
        return command;
    }
}
