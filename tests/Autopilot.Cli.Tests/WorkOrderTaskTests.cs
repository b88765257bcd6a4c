using System.Text.Json;
using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// A work order applied to a task (`autopilot workorder apply`) takes effect through the real CLI: its autonomy level
/// caps the actor's level in `check autonomy`, `check command` and the agent hook, and its required evidence blocks
/// the task's transitions (and the agent's stop) until the evidence exists (docs/work-orders.md).
/// </summary>
public sealed class WorkOrderTaskTests : IDisposable
{
    private readonly TempGitRepo _repo = SampleRepository.Create();

    public void Dispose() => _repo.Dispose();

    private ProcessResult Run(params string[] args) => CliProcess.Run(_repo.Path, null, args);

    private ProcessResult Apply(string json)
    {
        _repo.Write("work/T-1.json", json);
        return Run("workorder", "apply", "work/T-1.json");
    }

    [Fact]
    public void AWorkOrderLowersTheLevelOfItsTasksActionsOnly()
    {
        var before = Run("check", "autonomy", "--level", "full_auto", "--risk", "high", "--task", "T-1");
        Assert.True(before.ExitCode == 0, before.ToString());

        var applied = Apply("""{ "taskId": "T-1", "allowedPaths": ["src/**"], "autonomy": "plan" }""");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("autonomy at most plan", applied.StdOut);
        Assert.True(File.Exists(Path.Combine(_repo.Path, ".autopilot", "workorders", "T-1.json")));

        var capped = Run("check", "autonomy", "--level", "full_auto", "--risk", "high", "--task", "T-1", "--format", "json");
        Assert.True(capped.ExitCode == 2, capped.ToString());
        Assert.Contains("AP-AUTONOMY-DENY", capped.StdOut);

        // Another task, and no task at all, keep the actor's level.
        Assert.Equal(0, Run("check", "autonomy", "--level", "full_auto", "--risk", "high", "--task", "T-2").ExitCode);
        Assert.Equal(0, Run("check", "autonomy", "--level", "full_auto", "--risk", "high").ExitCode);

        // check command: a force push that full_auto may run is judged at the work order's level (plan: denied).
        var free = Run("check", "command", "git push --force origin main", "--autonomy", "full_auto", "--format", "json");
        Assert.True(free.ExitCode == 0, free.ToString());
        var command = Run("check", "command", "git push --force origin main", "--autonomy", "full_auto", "--task", "T-1", "--format", "json");
        Assert.True(command.ExitCode is 2 or 3, command.ToString());
        using var json = JsonDocument.Parse(command.StdOut);
        Assert.Equal("plan", json.RootElement.GetProperty("level").GetString());

        // A level already below the cap stays where it is: the cap only lowers.
        Assert.Equal(0, Run("check", "autonomy", "--level", "observe", "--risk", "none", "--task", "T-1").ExitCode);
    }

    [Fact]
    public void TheAgentHookJudgesTheTaskAtTheWorkOrdersLevel()
    {
        Assert.Equal(0, Apply("""{ "taskId": "T-1", "allowedPaths": ["src/**"], "autonomy": "execute_safe" }""").ExitCode);
        var payload = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HookPayloads", "bash-force-push.json")).Replace("{cwd}", _repo.Path, StringComparison.Ordinal);

        var free = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code", "--autonomy", "full_auto"], _repo.Path, stdin: payload);
        Assert.Contains("\"permissionDecision\":\"allow\"", free.StdOut);

        var task = new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-1" };
        var capped = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code", "--autonomy", "full_auto"], _repo.Path, task, stdin: payload);
        Assert.True(capped.ExitCode == 0, capped.ToString());
        Assert.Contains("\"permissionDecision\":\"ask\"", capped.StdOut);
    }

    [Fact]
    public void RequiredEvidenceBlocksLeavingAPhaseUntilItExists()
    {
        _repo.Write("state/evidence/T-1/strategize/strategy.md", "why");
        Assert.Equal(0, Apply("""{ "taskId": "T-1", "allowedPaths": ["src/**"], "requiredEvidence": ["build_output", "plan:test_results"] }""").ExitCode);

        // The phase's own evidence is there, the work order's is not: the move is denied and says what to produce.
        var blocked = Run("transition", "T-1", "--to", "spec", "--format", "json");
        Assert.True(blocked.ExitCode == 2, blocked.ToString());
        Assert.Contains("AP-EVIDENCE-MISSING", blocked.StdOut);
        Assert.Contains("build_output.log", blocked.StdOut);
        Assert.Contains("AP-WORKORDER-EVIDENCE", blocked.StdOut);
        Assert.DoesNotContain("test_results", blocked.StdOut); // scoped to leaving 'plan'

        _repo.Write("state/evidence/T-1/strategize/build_output.log", "Build succeeded.\n    0 Error(s)\n");
        var moved = Run("transition", "T-1", "--to", "spec", "--format", "json");
        Assert.True(moved.ExitCode == 0, moved.ToString());

        // An agent in the phase may not stop while the work order's evidence for it is missing either.
        var stopPayload = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "claude-code", "stop.json")).Replace("{cwd}", _repo.Path, StringComparison.Ordinal);
        var stop = TestProcess.Run("dotnet", [CliProcess.CliDll, "hook", "claude-code"], _repo.Path, new Dictionary<string, string> { ["AUTOPILOT_TASK"] = "T-1" }, stdin: stopPayload);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains("\"block\"", stop.StdOut);
        Assert.Contains("build_output", stop.StdOut);
    }

    [Fact]
    public void AWorkOrderThatLoosensOrNamesWhatThePolicyLacksIsNotApplied()
    {
        var loose = Apply("""
            {
              "taskId": "T-1",
              "allowedPaths": ["src/**"],
              "autonomy": "full_auto",
              "requiredEvidence": ["security_review", "nowhere:spec"]
            }
            """);
        Assert.True(loose.ExitCode == 4, loose.ToString());
        Assert.Contains("T-1.json(4,3): error AP1121", loose.StdOut);
        Assert.Contains("T-1.json(5,24): error AP1102: Required evidence 'security_review'", loose.StdOut);
        Assert.Contains("T-1.json(5,43): error AP1102: Required evidence 'nowhere:spec' names phase 'nowhere'", loose.StdOut);
        Assert.False(Directory.Exists(Path.Combine(_repo.Path, ".autopilot", "workorders")));

        var path = Apply("""{ "taskId": "team/T-1", "allowedPaths": ["src/**"] }""");
        Assert.True(path.ExitCode == 4, path.ToString());
        Assert.Contains("must be a plain name", path.StdOut);
    }

    [Fact]
    public void DamagedConstraintsFailClosed()
    {
        _repo.Write(".autopilot/workorders/T-1.json", "{ not json");
        var check = Run("check", "command", "ls", "--task", "T-1");
        Assert.True(check.ExitCode == 4, check.ToString());
        Assert.Contains("malformed", check.StdErr);
        var transition = Run("transition", "T-1", "--to", "spec", "--format", "json");
        Assert.True(transition.ExitCode == 4, transition.ToString());
    }
}
