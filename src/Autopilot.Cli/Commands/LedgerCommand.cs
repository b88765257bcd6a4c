using System.CommandLine;
using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot ledger verify|show|reconstruct`: the hash-chained record of what happened.</summary>
internal static class LedgerCommand
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static Command Create()
    {
        var command = new Command("ledger", "The append-only, hash-chained ledger under .autopilot/ledger.");
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Reconstruct());
        return command;
    }

    private static Command Verify()
    {
        var expectHead = new Option<string?>("--expect-head") { Description = "A head hash kept elsewhere (a checkpoint): the ledger must still contain it as an entry's hash, which detects truncation." };
        var state = StateOptions.StateDir();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("verify", "Check the chain: any edit, deletion, reordering or truncation names the first bad entry.") { expectHead, state, format, repo };
        command.SetAction(result =>
        {
            LedgerVerification verification;
            try
            {
                using var stores = StateOptions.OpenStores(result, StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!));
                verification = stores.VerifyLedger(result.GetValue(expectHead));
            }
            catch (Exception ex) when (StateOptions.IsStateFailure(ex))
            {
                Console.Error.WriteLine($"autopilot: the ledger cannot be read: {ex.Message}");
                return (int)ExitCode.BadInput;
            }

            if (result.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    valid = verification.IsValid,
                    entries = verification.EntryCount,
                    head = new { sequence = verification.Head.Sequence, hash = verification.Head.Hash },
                    problem = verification.Problem is null ? null : new { kind = verification.Problem.Kind.ToString(), sequence = verification.Problem.Sequence, line = verification.Problem.LineNumber, message = verification.Problem.Message },
                    tornTailBytes = verification.TornTailBytes,
                    warnings = verification.Warnings,
                }, s_json));
            }
            else
            {
                foreach (var warning in verification.Warnings)
                {
                    Console.Out.WriteLine($"warning: {warning}");
                }

                Console.Out.WriteLine(verification.IsValid
                    ? $"OK: {verification.EntryCount} entries, head #{verification.Head.Sequence} {verification.Head.Hash}"
                    : $"BROKEN at line {verification.Problem!.LineNumber}{(verification.Problem.Sequence is { } seq ? $" (entry #{seq})" : "")}: {verification.Problem.Message}");
            }

            return verification.IsValid ? (int)ExitCode.Allow : (int)ExitCode.Deny;
        });
        return command;
    }

    private static Command Show()
    {
        var task = new Option<string?>("--task", "-t") { Description = "Only this task's entries." };
        var state = StateOptions.StateDir();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("show", "List ledger entries.") { task, state, format, repo };
        command.SetAction(result =>
        {
            if (ReadEntries(result, state, repo) is not { } all)
            {
                return (int)ExitCode.BadInput;
            }

            var entries = new LedgerReader(all).Show(result.GetValue(task));
            if (result.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(entries, s_json));
                return (int)ExitCode.Allow;
            }

            foreach (var e in entries)
            {
                Console.Out.WriteLine($"#{e.Sequence} {e.Time:u} {e.Actor} {e.Kind.ToString().ToLowerInvariant()} {e.Task} {e.FromPhase ?? "-"} → {e.ToPhase ?? "-"} {e.Verdict?.ToWire() ?? ""} {string.Join(",", e.RuleIds)}".TrimEnd());
            }

            return (int)ExitCode.Allow;
        });
        return command;
    }

    private static Command Reconstruct()
    {
        var task = new Argument<string>("task") { Description = "Task id." };
        var state = StateOptions.StateDir();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command("reconstruct", "A task's timeline from the ledger: phases and durations, backtracks, denied attempts, escalations, evidence.") { task, state, format, repo };
        command.SetAction(result =>
        {
            if (ReadEntries(result, state, repo) is not { } all)
            {
                return (int)ExitCode.BadInput;
            }

            var timeline = new LedgerReader(all).Reconstruct(result.GetValue(task)!);
            if (result.GetValue(format) == "json")
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    task = timeline.Task,
                    currentPhase = timeline.CurrentPhase,
                    phases = timeline.Phases.Select(p => new { phase = p.Phase, enteredAt = p.EnteredAt, leftAt = p.LeftAt, viaBacktrack = p.ViaBacktrack, durationSeconds = p.ClosedDuration?.TotalSeconds, sequence = p.Sequence }),
                    backtracks = timeline.Backtracks.Select(Brief),
                    denied = timeline.Denied.Select(Brief),
                    escalations = timeline.Escalations.Select(Brief),
                    attestations = timeline.Attestations.Select(Brief),
                    evidence = timeline.Evidence.Select(e => new { phase = e.Phase, name = e.Name, sha256 = e.Sha256, sequence = e.Sequence }),
                }, s_json));
                return (int)ExitCode.Allow;
            }

            Console.Out.WriteLine($"Task {timeline.Task}: now in {timeline.CurrentPhase ?? "(no phase)"}");
            foreach (var visit in timeline.Phases)
            {
                var duration = visit.ClosedDuration is { } d ? $"{d.TotalSeconds:0.###} s" : "(current)";
                Console.Out.WriteLine($"  {visit.EnteredAt:u} {visit.Phase}{(visit.ViaBacktrack ? " (backtrack)" : "")} {duration}");
            }

            foreach (var e in timeline.Denied)
            {
                Console.Out.WriteLine($"  denied #{e.Sequence}: {e.FromPhase} → {e.ToPhase} ({string.Join(", ", e.RuleIds)})");
            }

            foreach (var e in timeline.Escalations)
            {
                Console.Out.WriteLine($"  escalation #{e.Sequence}: {string.Join(", ", e.RuleIds)}");
            }

            foreach (var e in timeline.Evidence)
            {
                Console.Out.WriteLine($"  evidence {e.Phase}/{e.Name} sha256:{e.Sha256}");
            }

            return (int)ExitCode.Allow;
        });
        return command;
    }

    /// <summary>Every entry from the configured store; null (after saying why on stderr) when it cannot be read.</summary>
    private static IReadOnlyList<LedgerEntry>? ReadEntries(ParseResult result, Option<string?> state, Option<string> repo)
    {
        try
        {
            using var stores = StateOptions.OpenStores(result, StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!));
            return stores.ReadLedger();
        }
        catch (Exception ex) when (StateOptions.IsStateFailure(ex))
        {
            Console.Error.WriteLine($"autopilot: the ledger cannot be read: {ex.Message}");
            return null;
        }
    }

    private static object Brief(LedgerEntry e) =>
        new { sequence = e.Sequence, time = e.Time, from = e.FromPhase, to = e.ToPhase, verdict = e.Verdict?.ToWire(), ruleIds = e.RuleIds };
}
