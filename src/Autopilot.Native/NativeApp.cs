using System.CommandLine;
using Autopilot.Cli;
using Autopilot.Cli.Commands;
using Autopilot.Core.Policies;

namespace Autopilot.Native;

/// <summary>
/// The `autopilot` entry point of the tool package (docs/native.md). The hot commands an agent harness calls before
/// every tool call (hook, check, transition, escalate) run here, compiled ahead of time, from the managed CLI's own
/// command files over the same engine. Everything else, and any call this build cannot finish (a policy that needs
/// JavaScript predicates or JSON Schemas, telemetry export), is handed whole to the managed CLI beside it.
/// </summary>
public static class NativeApp
{
    /// <summary>Set to 1, a hot command that would be handed over fails instead (exit 5): tests and benchmarks use it to know the front answered.</summary>
    public const string NativeOnlyVariable = "AUTOPILOT_NATIVE_ONLY";

    private static readonly HashSet<string> s_hot = new(StringComparer.Ordinal) { "hook", "check", "transition", "escalate" };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !s_hot.Contains(args[0]) || TelemetryWanted())
        {
            return ManagedCli.Exec(args, stdin: null);
        }

        // A plain command as the root, not RootCommand: its help and version options cost a resource lookup each call,
        // and help, version and usage errors go to the managed CLI anyway (below).
        var root = new Command("autopilot", "autopilot: policy gates for autonomous coding agents (native front; other commands run in the managed CLI).");
        // Only the command asked for is built: building the others' options costs more than the decision itself.
        root.Subcommands.Add(args[0] switch
        {
            "transition" => TransitionCommand.Create(),
            "escalate" => EscalateCommand.Create(),
            "check" => CheckCommand.Create(),
            _ => HookCommand.Create(),
        });
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 || args.Any(a => a is "-h" or "--help" or "-?" or "/?" or "--version"))
        {
            // Help, version and usage errors: the managed CLI knows every command and prints the one true text.
            return ManagedCli.Exec(args, stdin: null);
        }

        // What a command reads from stdin is kept, so that a call handed over mid-way can pass it on.
        var stdin = ReadsStdin(args) ? StdinBuffer.Capture() : null;
        var stdout = Console.Out;
        var stderr = Console.Error;
        var output = new DeferredOutput();
        if (args[0] == "hook")
        {
            // The hook's own --deadline-ms, when given, else the environment's (HookSettings), for the whole process.
            var given = parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--deadline-ms") is Option<int?> option ? parsed.GetValue(option) : null;
            StartDeadline(Agent(args), given is > 0 ? given.Value : (int)Autopilot.Core.Hooks.HookSettings.DeadlineFromEnvironment().TotalMilliseconds, stdout, stderr);
        }

        try
        {
            var code = parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output.Out, Error = output.Error });
            Finish();
            output.Flush();
            return code;
        }
        catch (PolicyHandOffException handOff)
        {
            // Nothing was written yet (output is held back until the command ends): the managed CLI answers instead.
            output.Discard();
            Finish(); // from here on this program's deadline does not answer: the managed CLI does, or the refusal below
            if (Environment.GetEnvironmentVariable(NativeOnlyVariable) == "1")
            {
                Console.Error.WriteLine($"autopilot: this call would be handed to the managed CLI ({handOff.Message}), and {NativeOnlyVariable}=1 forbids it.");
                return (int)ExitCode.InternalError;
            }

            return ManagedCli.Exec(args, stdin);
        }
        catch (Exception ex)
        {
            Finish();
            output.Flush();
            return Fail(args, ex);
        }
    }

    private static int s_answered;

    /// <summary>
    /// A hook that has not answered by its deadline answers deny, with the contract's blocking exit code, before
    /// the agent's own time-out could let the tool call through. Whichever of the two answers first is the answer.
    /// </summary>
    private static void StartDeadline(string agent, int ms, TextWriter stdout, TextWriter stderr)
    {
        // The same deadline the hook runner keeps, for the whole process: start-up and output included.
        // A sleeping background thread rather than a Timer: no timer queue to start for one wake-up; when the command
        // answers first, the flag below makes the wake-up do nothing, and the thread ends with the process.
        new Thread(() =>
        {
            Thread.Sleep(ms);
            if (Interlocked.Exchange(ref s_answered, 1) != 0)
            {
                return;
            }

            var reply = Autopilot.Core.Hooks.HookRunner.Failure(agent, $"no answer within the hook's deadline of {ms} ms ({Autopilot.Core.Hooks.HookSettings.DeadlineVariable})");
            stdout.Write(reply.Stdout);
            stdout.Flush();
            stderr.WriteLine(reply.Stderr);
            stderr.Flush();
            Environment.Exit(reply.ExitCode);
        })
        { IsBackground = true, Name = "autopilot hook deadline" }.Start();
    }

    /// <summary>The command finished: unless the deadline answered already (then this thread waits for the exit), its output goes out.</summary>
    private static void Finish()
    {
        if (Interlocked.Exchange(ref s_answered, 1) != 0)
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    /// <summary>Never a crash an agent would take as "go ahead": a hook gets a deny in its contract, others exit 5.</summary>
    private static int Fail(string[] args, Exception ex)
    {
        if (args[0] == "hook")
        {
            var reply = Autopilot.Core.Hooks.HookRunner.Failure(Agent(args), $"internal error: {ex.Message}");
            Console.Out.Write(reply.Stdout);
            Console.Error.WriteLine(reply.Stderr);
            return reply.ExitCode;
        }

        Console.Error.WriteLine($"autopilot: internal error: {ex.Message}");
        return (int)ExitCode.InternalError;
    }

    private static string Agent(string[] args) => args.Length > 1 ? args[1] : "";

    private static bool ReadsStdin(string[] args) =>
        args[0] == "hook" || (args[0] == "escalate" && Array.IndexOf(args, "-") > 0);

    /// <summary>The OpenTelemetry exporter lives in the managed CLI: when the environment asks for telemetry, it runs the call.</summary>
    private static bool TelemetryWanted() =>
        Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 }
        || Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is { Length: > 0 }
        || Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") is { Length: > 0 }
        || Environment.GetEnvironmentVariable("OTEL_TRACES_EXPORTER") == "otlp"
        || Environment.GetEnvironmentVariable("OTEL_METRICS_EXPORTER") == "otlp";
}
