using System.CommandLine;
using Autopilot.Core.Decisions;
using Autopilot.Core.Output;
using Autopilot.Core.Policies;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>Options and helpers every deciding command shares: which policy, which output format, exit codes.</summary>
internal static class CommonOptions
{
    public static Option<string?> Policy() => new("--policy", "-p")
    {
        Description = "Policy file. Default: .autopilot/policy.yaml, else the single policies/*.policy.yaml, else the built-in default.",
    };

    public static Option<string> Format(params string[] formats)
    {
        var option = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong(formats.Length == 0 ? ["text", "json"] : formats);
        return option;
    }

    public static Option<string> Repo() => new("--repo", "-C")
    {
        Description = "Repository root (default: the git top level of the current folder, else the current folder).",
        DefaultValueFactory = _ => RepositoryRoot.Find(Directory.GetCurrentDirectory()),
    };

    /// <summary>Loads the policy or prints its diagnostics; null means: exit with <see cref="ExitCode.BadInput"/>.</summary>
    public static PolicyEngine? LoadPolicy(string? explicitPath, string repo)
    {
        string? path;
        try
        {
            path = PolicySource.Resolve(explicitPath, repo);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"autopilot: {ex.Message}");
            return null;
        }

        return LoadReporting(path, PolicySource.CacheDirectory(repo)).Engine;
    }

    /// <summary>
    /// Loads a policy file (null: the built-in default), printing its diagnostics and, when it fails, that it has errors;
    /// <paramref name="cacheDirectory"/> keeps parsed texts between calls (<see cref="PolicySource.Load"/>).
    /// </summary>
    public static LoadedPolicy LoadReporting(string? path, string? cacheDirectory = null)
    {
        var loaded = PolicySource.Load(path, cacheDirectory: cacheDirectory);
        foreach (var diagnostic in loaded.Diagnostics)
        {
            Console.Error.WriteLine(diagnostic.ToString());
        }

        if (!loaded.Succeeded)
        {
            Console.Error.WriteLine($"autopilot: the policy {loaded.Origin} has errors; nothing is allowed until they are fixed.");
        }

        return loaded;
    }

    public static int ExitFor(Verdict verdict) => verdict switch
    {
        Verdict.Deny => (int)ExitCode.Deny,
        Verdict.Escalate => (int)ExitCode.Escalate,
        _ => (int)ExitCode.Allow,
    };

    /// <summary>Writes a decision in the chosen format and returns its exit code.</summary>
    public static int Emit(Decision decision, string format, string? subject = null, Action<System.Text.Json.Utf8JsonWriter>? extra = null)
    {
        Console.Out.Write(format == "json" ? DecisionWriter.ToJson(decision, extra) + Environment.NewLine : DecisionWriter.ToText(decision, subject));
        return ExitFor(decision.Verdict);
    }

    /// <summary>Bad input: a message on stderr, a fail-closed decision on stdout in the chosen format, exit code 4.</summary>
    public static int BadInput(string ruleId, string message, string format, string policyHash = "", SourceLocation? location = null)
    {
        Console.Error.WriteLine($"autopilot: {message}");
        var decision = Decision.FailClosed(ruleId, message, policyHash, location);
        if (format == "json")
        {
            Console.Out.WriteLine(DecisionWriter.ToJson(decision));
        }

        return (int)ExitCode.BadInput;
    }

    /// <summary>Reads a file argument, where "-" means standard input.</summary>
    public static string ReadInput(string pathOrDash) =>
        pathOrDash == "-" ? Console.In.ReadToEnd() : File.ReadAllText(pathOrDash);

    public static int DiagnosticsExit(IReadOnlyList<PolicyDiagnostic> diagnostics) =>
        diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error) ? (int)ExitCode.BadInput : (int)ExitCode.Allow;
}
