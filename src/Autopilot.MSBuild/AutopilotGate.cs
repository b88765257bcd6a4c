using System.Diagnostics;
using System.Globalization;
using Autopilot.MSBuild.Gate;
using Autopilot.MSBuild.Processes;
using Autopilot.Policy.Model;
using Microsoft.Build.Framework;

namespace Autopilot.MSBuild;

/// <summary>
/// Runs `autopilot gate --format json` as a separate process and logs each finding at its
/// file(line,col) with the rule id as the code: deny → error, escalate → warning (or error with
/// <see cref="EscalateAsError"/>), warning → warning, info → message. The net10.0 engine never loads
/// into MSBuild; this task only starts a process and reads its JSON, so it runs in any MSBuild.
/// </summary>
public sealed class AutopilotGate : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly ProcessRunner _runner = new();

    /// <summary>autopilot.dll (run with <see cref="DotnetHost"/>) or an installed `autopilot` executable.</summary>
    [Required]
    public string ToolPath { get; set; } = "";

    /// <summary>The dotnet host for a .dll tool; empty: DOTNET_HOST_PATH (set by the dotnet CLI), else `dotnet` on the PATH.</summary>
    public string DotnetHost { get; set; } = "";

    [Required]
    public string RepositoryRoot { get; set; } = "";

    /// <summary>Branch or commit to compare with; empty: the tool's default (merge base with origin/HEAD, main or master).</summary>
    public string Base { get; set; } = "";

    /// <summary>`worktree` (default: the working tree with untracked files) or `staged` (the index).</summary>
    public string Mode { get; set; } = "worktree";

    public string Policy { get; set; } = "";

    public string WorkOrder { get; set; } = "";

    public bool EscalateAsError { get; set; }

    public int TimeoutSeconds { get; set; } = 300;

    /// <summary>The decision's verdict (allow, escalate, deny), or empty when the gate gave none.</summary>
    [Output]
    public string Verdict { get; set; } = "";

    public void Cancel() => _runner.Cancel();

    public override bool Execute()
    {
        try
        {
            var watch = Stopwatch.StartNew();
            var (fileName, arguments) = CommandFor();
            Log.LogMessage(MessageImportance.Low, "{0} {1}", fileName, CommandLine.Join(arguments));
            var result = _runner.Run(fileName, arguments, RepositoryRoot, TimeSpan.FromSeconds(Math.Max(1, TimeoutSeconds)));
            Report(result);
            // Formatted here: arguments cross the task host boundary as strings, losing their format.
            var verdict = Verdict.Length == 0 ? $"no decision (exit code {result.ExitCode})" : Verdict;
            Log.LogMessage(MessageImportance.High, string.Format(CultureInfo.InvariantCulture, "Autopilot gate: {0} ({1:0.0} s).", verdict, watch.Elapsed.TotalSeconds));
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("Autopilot gate: cancelled.");
        }
        catch (Exception ex)
        {
            Log.LogErrorFromException(ex);
        }

        return !Log.HasLoggedErrors;
    }

    private (string FileName, List<string> Arguments) CommandFor()
    {
        var arguments = new List<string> { "gate", "--format", "json", "--repo", RepositoryRoot };
        if (!string.IsNullOrWhiteSpace(Base))
        {
            arguments.Add("--base");
            arguments.Add(Base.Trim());
        }

        switch (Mode.Trim().ToLowerInvariant())
        {
            case "":
            case "worktree":
                break;
            case "staged":
                arguments.Add("--staged");
                break;
            default:
                throw new ArgumentException($"AutopilotGateMode '{Mode}' is not one of: worktree, staged.");
        }

        if (!string.IsNullOrWhiteSpace(Policy))
        {
            arguments.Add("--policy");
            arguments.Add(Path.GetFullPath(Policy.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(WorkOrder))
        {
            arguments.Add("--work-order");
            arguments.Add(Path.GetFullPath(WorkOrder.Trim()));
        }

        if (!File.Exists(ToolPath))
        {
            throw new FileNotFoundException($"The autopilot tool is not at '{ToolPath}' (AutopilotToolPath).", ToolPath);
        }

        if (!ToolPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return (ToolPath, arguments);
        }

        var host = !string.IsNullOrWhiteSpace(DotnetHost) ? DotnetHost
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromCli ? fromCli
            : "dotnet";
        arguments.Insert(0, ToolPath);
        return (host, arguments);
    }

    private void Report(ProcessResult result)
    {
        // Policy diagnostics arrive on stderr as file(line,col): error AP1xxx: ...; MSBuild recognises that form.
        foreach (var line in result.StdErr.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                Log.LogMessageFromText(line.TrimEnd('\r'), MessageImportance.High);
            }
        }

        GateDecision? decision = null;
        if (result.ExitCode is 0 or 2 or 3 or 4 && result.StdOut.Trim().Length > 0)
        {
            try
            {
                decision = GateDecision.Parse(result.StdOut);
            }
            catch (FormatException ex)
            {
                Log.LogError(null, RuleIds.GateOutput, null, null, 0, 0, 0, 0, "The autopilot gate's output could not be read ({0}); the change is not allowed.", ex.Message);
                return;
            }
        }

        if (decision is null && Log.HasLoggedErrors)
        {
            // Exit code 4 without a decision: the policy's own diagnostics (logged above as errors) say why.
            return;
        }

        if (decision is null)
        {
            // 1: usage, 4 without a decision, 5: internal error, anything else: fail closed.
            Log.LogError(null, RuleIds.GateTool, null, null, 0, 0, 0, 0,
                "autopilot gate ended with exit code {0} and no decision; the change is not allowed. {1}", result.ExitCode, result.StdErr.Trim());
            return;
        }

        Verdict = decision.Verdict;
        foreach (var finding in decision.Findings)
        {
            LogFinding(finding, result.ExitCode == 4);
        }

        // The verdict decides even if no single finding was shown as an error (fail closed).
        var refused = decision.Verdict == "deny" || result.ExitCode is 2 or 4
            || (EscalateAsError && (decision.Verdict == "escalate" || result.ExitCode == 3))
            || decision.Verdict is not ("allow" or "escalate" or "deny");
        if (refused && !Log.HasLoggedErrors)
        {
            Log.LogError(null, RuleIds.GateVerdict(decision.Verdict), null, null, 0, 0, 0, 0,
                "The autopilot gate's verdict is '{0}' (exit code {1}); the change is not allowed.", decision.Verdict, result.ExitCode);
        }
    }

    private void LogFinding(GateFinding finding, bool badInput)
    {
        // Absolute paths: MSBuild and IDEs would otherwise resolve them against the project's folder.
        var file = finding.Path is null ? null : Path.GetFullPath(Path.Combine(RepositoryRoot, finding.Path));
        var kind = badInput ? FindingKind.Error : FindingKinds.For(finding.Severity, EscalateAsError);
        switch (kind)
        {
            case FindingKind.Error:
                Log.LogError(null, finding.RuleId, null, file, finding.Line, finding.Column, 0, 0, "{0}", finding.Message);
                break;
            case FindingKind.Warning:
                Log.LogWarning(null, finding.RuleId, null, file, finding.Line, finding.Column, 0, 0, "{0}", finding.Message);
                break;
            default:
                Log.LogMessage(null, finding.RuleId, null, file, finding.Line, finding.Column, 0, 0, MessageImportance.Normal, "{0}", finding.Message);
                break;
        }
    }
}
