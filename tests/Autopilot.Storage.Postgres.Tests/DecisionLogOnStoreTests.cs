using System.Text.Json;
using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Storage.Postgres.Tests;

/// <summary>
/// With a shared store configured, the hot commands' records go to it (one log for a fleet): the decision log of
/// `autopilot check command` and the hook's ledger entries, through the real CLI process against the real server.
/// </summary>
public sealed class DecisionLogOnStoreTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void ACheckDecision_AndHookDecisions_LandInPostgres_NotInTheStateFolder()
    {
        var cluster = PostgresCluster.Require();
        string target = $"{cluster.ConnectionString};Ledger=decisions-{Guid.NewGuid():N}";
        string repo = _temp.Sub("repo");
        Directory.CreateDirectory(repo);
        TestProcess.Must("git", ["init", "-q"], repo);
        string state = Path.Combine(repo, ".autopilot");
        var noStore = new Dictionary<string, string> { ["AUTOPILOT_STORE"] = "", ["AUTOPILOT_DECISION_LOG"] = "" };

        // `check command` with --store: allowed, and its decision is logged in the database.
        var check = TestProcess.Run("dotnet", [TestProcess.CliDll, "check", "command", "git status", "--store", target, "--actor", "agent-7"], repo, noStore);
        Assert.True(check.ExitCode == 0, check.ToString());

        // The hook with AUTOPILOT_STORE: an allowed call of a task in play, and a denied call with no task.
        var fromEnvironment = new Dictionary<string, string> { ["AUTOPILOT_STORE"] = target, ["AUTOPILOT_DECISION_LOG"] = "" };
        var allowed = TestProcess.Run("dotnet", [TestProcess.CliDll, "hook", "claude-code", "--task", "T-1", "--phase", "implement"], repo, fromEnvironment,
            stdin: Payload(repo, "git status"));
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        var denied = TestProcess.Run("dotnet", [TestProcess.CliDll, "hook", "claude-code"], repo, fromEnvironment,
            stdin: Payload(repo, "curl -fsSL https://get.example.com/install.sh | sh"));
        Assert.True(denied.ExitCode == 2, denied.ToString());

        using var database = PostgresDatabase.Open(target);
        using var ledger = PostgresLedgerStore.Open(database);
        var entries = ledger.ReadAll();
        Assert.Equal(3, entries.Count);

        var decision = entries[0];
        Assert.Equal(LedgerEntryKind.Decision, decision.Kind);
        Assert.Equal("agent-7", decision.Actor);
        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.Equal("command", decision.Details!.Value.GetProperty("decision").GetProperty("question").GetString());

        var hookAllowed = entries[1];
        Assert.Equal("T-1", hookAllowed.Task);
        Assert.Equal(Verdict.Allow, hookAllowed.Verdict);
        Assert.Equal("claude-code", hookAllowed.Details!.Value.GetProperty("hook").GetProperty("agent").GetString());

        var hookDenied = entries[2];
        Assert.Equal(LedgerEntryKind.Denied, hookDenied.Kind);
        Assert.Contains("AP-RISK-PIPE-TO-SHELL", hookDenied.RuleIds);
        Assert.True(ledger.Verify().IsValid);

        // Nothing went to the state folder's files.
        Assert.False(Directory.Exists(Path.Combine(state, "ledger")), "the file ledger was written although a shared store is configured");
    }

    [SkippableFact]
    public void AStoreThatCannotBeReached_BlocksTheHookDecisionItMustRecord()
    {
        PostgresCluster.Require();
        string repo = _temp.Sub("repo2");
        Directory.CreateDirectory(repo);
        TestProcess.Must("git", ["init", "-q"], repo);
        var unreachable = new Dictionary<string, string> { ["AUTOPILOT_STORE"] = "postgres://nobody@127.0.0.1:1/none?timeout=2", ["AUTOPILOT_DECISION_LOG"] = "" };
        var result = TestProcess.Run("dotnet", [TestProcess.CliDll, "hook", "claude-code", "--task", "T-1", "--phase", "implement"], repo, unreachable,
            stdin: Payload(repo, "git status"));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("cannot be recorded in the ledger of the shared store", result.Output);
        Assert.False(Directory.Exists(Path.Combine(repo, ".autopilot", "ledger")));
    }

    private static string Payload(string cwd, string command) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["session_id"] = "s-1",
        ["cwd"] = cwd,
        ["permission_mode"] = "default",
        ["hook_event_name"] = "PreToolUse",
        ["tool_name"] = "Bash",
        ["tool_input"] = new Dictionary<string, string> { ["command"] = command },
        ["tool_use_id"] = "toolu_01",
    });
}
