using System.CommandLine;
using System.Text.Json;
using Autopilot.Core.Leases;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot lease acquire|renew|release|show`: one holder per task and phase, with fencing tokens.</summary>
internal static class LeaseCommand
{
    public static Command Create()
    {
        var command = new Command("lease", "Leases per task and phase: keep two agents off the same work.");
        foreach (var verb in new[] { "acquire", "renew", "release", "show" })
        {
            command.Subcommands.Add(Verb(verb));
        }

        return command;
    }

    private static Command Verb(string verb)
    {
        var task = new Option<string>("--task", "-t") { Description = "Task id.", Required = true };
        var phase = new Option<string>("--phase") { Description = "Phase.", Required = true };
        var holder = StateOptions.Actor();
        holder.Aliases.Add("--holder");
        var ttl = new Option<TimeSpan>("--ttl") { Description = "Time to live (hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var token = new Option<long?>("--token") { Description = "The fencing token you hold (renew, release)." };
        var state = StateOptions.StateDir();
        var format = CommonOptions.Format();
        var repo = CommonOptions.Repo();
        var command = new Command(verb, verb switch
        {
            "acquire" => "Take the lease if it is free or expired; otherwise say who holds it.",
            "renew" => "Extend a lease you hold.",
            "release" => "Give a lease up.",
            _ => "Show the lease.",
        })
        { task, phase, holder, ttl, token, state, format, repo };
        command.SetAction(result =>
        {
            var t = result.GetValue(task)!;
            var p = result.GetValue(phase)!;
            var who = result.GetValue(holder)!;
            LeaseResult outcome;
            try
            {
                using var stores = StateOptions.OpenStores(result, StateOptions.Resolve(result.GetValue(state), result.GetValue(repo)!));
                var store = stores.OpenLeases();
                if (verb == "show")
                {
                    var lease = store.Get(t, p);
                    Print(result.GetValue(format)!, lease is null ? "no lease" : Describe(lease), lease, null, null);
                    return (int)ExitCode.Allow;
                }

                if (verb == "acquire")
                {
                    outcome = store.Acquire(t, p, who, result.GetValue(ttl));
                }
                else
                {
                    // Renew and release act on the lease the caller says it holds: holder and token must match.
                    var current = store.Get(t, p);
                    var claimed = current is null ? new Lease(t, p, who, result.GetValue(token) ?? 0, DateTimeOffset.MinValue, DateTimeOffset.MinValue)
                        : current with { Holder = who, Token = result.GetValue(token) ?? current.Token };
                    outcome = verb == "renew" ? store.Renew(claimed, result.GetValue(ttl)) : store.Release(claimed);
                }
            }
            catch (Exception ex) when (StateOptions.IsStateFailure(ex))
            {
                Console.Error.WriteLine($"autopilot: the lease store cannot be used: {ex.Message}");
                return (int)ExitCode.BadInput;
            }

            Print(result.GetValue(format)!, outcome.Message, outcome.Lease, outcome.Holder, outcome.Status.ToString().ToLowerInvariant());
            return outcome.Succeeded ? (int)ExitCode.Allow : (int)ExitCode.Deny;
        });
        return command;
    }

    private static string Describe(Lease lease) => $"{lease.Task}/{lease.Phase} held by {lease.Holder}, token {lease.Token}, until {lease.ExpiresAt:u}";

    private static void Print(string format, string message, Lease? lease, Lease? holder, string? status)
    {
        if (format != "json")
        {
            Console.Out.WriteLine(message);
            return;
        }

        object? View(Lease? l) => l is null ? null : new { task = l.Task, phase = l.Phase, holder = l.Holder, token = l.Token, acquiredAt = l.AcquiredAt, expiresAt = l.ExpiresAt };
        Console.Out.WriteLine(JsonSerializer.Serialize(new { status, message, lease = View(lease), holder = View(holder) }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
