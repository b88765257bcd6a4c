using System.CommandLine;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Gate;
using Autopilot.Core.Lifecycle;
using Autopilot.Core.Output;
using Autopilot.Core.Policies;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot policy replay --old A --new B [--ledger DIR] [--git RANGE] [--corpus FILE]`: decides again every recorded
/// decision, every commit of a range and every command of a corpus under both policies and lists what changes,
/// grouped by rule. Exit 2 when anything loosens (or, with --strict, changes); 4 for bad input, such as a ledger
/// that does not verify.
/// </summary>
internal static class PolicyReplayCommand
{
    public static Command Create()
    {
        var oldPolicy = new Option<string>("--old") { Description = "The policy in force (file).", Required = true };
        var newPolicy = new Option<string>("--new") { Description = "The proposed policy (file).", Required = true };
        var ledger = new Option<string?>("--ledger") { Description = "Replay the decision log of this ledger folder (default, when no source is given: the state folder's ledger/)." };
        var git = new Option<string?>("--git") { Description = "Replay the gate over every commit of this range (e.g. main~400..main)." };
        var corpus = new Option<string?>("--corpus") { Description = "Replay every command of a JSONL file (a \"command\" field per line)." };
        var strict = new Option<bool>("--strict") { Description = "Fail (exit 2) when anything changes, not only when something loosens." };
        var autonomy = ActionOptions.Autonomy();
        var phase = ActionOptions.Phase();
        var examples = new Option<int>("--examples") { Description = "Examples shown per rule.", DefaultValueFactory = _ => PolicyReplay.DefaultExamplesPerRule };
        var state = StateOptions.StateDir();
        var format = CommonOptions.Format("text", "json", "markdown");
        var repo = CommonOptions.Repo();
        var command = new Command("replay", "Decide recorded decisions, commits and corpus commands again under an old and a new policy; list what changes.")
        {
            oldPolicy, newPolicy, ledger, git, corpus, strict, autonomy, phase, examples, state, format, repo,
        };
        command.SetAction(result =>
        {
            var repoRoot = Path.GetFullPath(result.GetValue(repo)!);
            var before = Load(result.GetValue(oldPolicy)!, "--old");
            var after = Load(result.GetValue(newPolicy)!, "--new");
            if (before is null || after is null)
            {
                return (int)ExitCode.BadInput;
            }

            var cases = new List<ReplayCase>();
            var skipped = new List<ReplaySkip>();
            var warnings = new List<string>();
            var ledgerDir = result.GetValue(ledger);
            if (ledgerDir is null && result.GetValue(git) is null && result.GetValue(corpus) is null)
            {
                ledgerDir = PolicyReportCommand.LedgerFolder(null, result.GetValue(state), repoRoot);
                if (!Directory.Exists(ledgerDir))
                {
                    Console.Error.WriteLine($"autopilot: nothing to replay: no ledger at {ledgerDir}; give --ledger, --git or --corpus.");
                    return (int)ExitCode.Usage;
                }
            }

            if (ledgerDir is not null)
            {
                if (ReadLog(Path.GetFullPath(ledgerDir)) is not { } log)
                {
                    return (int)ExitCode.BadInput;
                }

                warnings.AddRange(log.Warnings);
                foreach (var logged in log.Decisions)
                {
                    if (ReplayCases.FromLog(logged, out var skip) is { } replayCase)
                    {
                        cases.Add(replayCase);
                    }
                    else
                    {
                        skipped.Add(skip!);
                    }
                }
            }

            if (result.GetValue(corpus) is { } corpusPath)
            {
                try
                {
                    var lineNumber = 0;
                    foreach (var line in File.ReadLines(corpusPath))
                    {
                        lineNumber++;
                        if (line.Trim().Length > 0)
                        {
                            cases.Add(ReplayCases.FromCorpusLine(line, $"{corpusPath}:{lineNumber}", repoRoot, result.GetValue(autonomy), result.GetValue(phase)));
                        }
                    }
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"autopilot: --corpus: {ex.Message}");
                    return (int)ExitCode.BadInput;
                }
            }

            if (result.GetValue(git) is { } range)
            {
                try
                {
                    cases.AddRange(GateReplay.Cases(repoRoot, range, skipped));
                }
                catch (Exception ex) when (ex is ChangeSetException or IOException)
                {
                    Console.Error.WriteLine($"autopilot: --git: {ex.Message}");
                    return (int)ExitCode.BadInput;
                }
            }

            var report = PolicyReplay.Run(before, after, cases, skipped, warnings, Math.Max(1, result.GetValue(examples)));
            Console.Out.Write(ReplayReportWriter.Write(report, result.GetValue(format)!));
            return PolicyReplay.Fails(report, result.GetValue(strict)) ? (int)ExitCode.Deny : (int)ExitCode.Allow;
        });
        return command;
    }

    /// <summary>The decision log of a ledger that verifies; null (the error printed, naming the file and line) when it does not.</summary>
    public static VerifiedDecisionLog? ReadLog(string directory)
    {
        if (!Directory.Exists(directory))
        {
            Console.Error.WriteLine($"autopilot: no ledger folder at {directory}");
            return null;
        }

        VerifiedDecisionLog log;
        try
        {
            log = VerifiedDecisionLog.Read(directory);
        }
        catch (Exception ex) when (StateOptions.IsStateFailure(ex))
        {
            Console.Error.WriteLine($"autopilot: the ledger cannot be read: {ex.Message}");
            return null;
        }

        if (!log.IsValid)
        {
            Console.Error.WriteLine($"autopilot: {log.ProblemMessage}; nothing is replayed or reported from it.");
            return null;
        }

        return log;
    }

    private static LoadedPolicy? Load(string path, string option)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"autopilot: {option}: no policy file at {path}");
            return null;
        }

        var loaded = CommonOptions.LoadReporting(path);
        return loaded.Succeeded ? loaded : null;
    }
}
