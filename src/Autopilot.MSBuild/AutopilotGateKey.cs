using Autopilot.MSBuild.Gate;
using Autopilot.MSBuild.Processes;
using Autopilot.Policy.Model;
using Microsoft.Build.Framework;

namespace Autopilot.MSBuild;

/// <summary>
/// Computes the gate's input key (<see cref="GateKey"/>) and writes it to <see cref="KeyFile"/> only when it
/// changed, so the AutopilotGate target's Inputs/Outputs check skips the gate while nothing it reads changed.
/// Cheap: three git calls and the hashes of the changed files.
/// </summary>
public sealed class AutopilotGateKey : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly ProcessRunner _runner = new();

    /// <summary>A folder inside the repository (the project's folder).</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>Where the key is kept (under obj/).</summary>
    [Required]
    public string KeyFile { get; set; } = "";

    /// <summary>The repository root; empty: `git rev-parse --show-toplevel` from <see cref="ProjectDirectory"/>.</summary>
    [Output]
    public string RepositoryRoot { get; set; } = "";

    /// <summary>Everything that changes the gate's answer besides the repository: base, mode, policy, tool path and so on.</summary>
    public string[] Settings { get; set; } = [];

    /// <summary>Files outside the repository whose content the answer depends on (an explicit policy, a work order).</summary>
    public ITaskItem[] Files { get; set; } = [];

    /// <summary>True when the key differs from the one kept: the gate will run.</summary>
    [Output]
    public bool Changed { get; set; }

    public void Cancel() => _runner.Cancel();

    public override bool Execute()
    {
        try
        {
            if (string.IsNullOrWhiteSpace(RepositoryRoot))
            {
                var root = GateKey.FindRepositoryRoot(_runner, ProjectDirectory, out var problem);
                if (root is null)
                {
                    Log.LogError(null, RuleIds.GateRepo, null, null, 0, 0, 0, 0, "AutopilotGate=true, but {0}.", problem);
                    return false;
                }

                RepositoryRoot = root;
            }

            RepositoryRoot = Path.GetFullPath(RepositoryRoot);
            var key = GateKey.Compute(_runner, RepositoryRoot, Settings, Files.Select(f => f.GetMetadata("FullPath")));
            var previous = File.Exists(KeyFile) ? File.ReadAllText(KeyFile).Trim() : null;
            Changed = previous != key;
            if (Changed)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(KeyFile))!);
                File.WriteAllText(KeyFile, key + "\n");
            }

            Log.LogMessage(MessageImportance.Low, "Autopilot gate key {0} ({1}).", key, Changed ? "changed: the gate runs" : "unchanged: the gate is skipped");
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning("Autopilot gate key: cancelled.");
        }
        catch (Exception ex)
        {
            Log.LogErrorFromException(ex);
        }

        return !Log.HasLoggedErrors;
    }
}
