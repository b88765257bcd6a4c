using System.CommandLine;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Hooks;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Cli.Commands;

/// <summary>
/// `autopilot hook claude-code`: one Claude Code hook event on stdin, the answer on stdout as the hook contract
/// says. PreToolUse: allow, deny or ask (escalate); a deny also exits 2 with the reason on stderr. PostToolUse:
/// tool outcomes update the session's run signals, and an escalation blocks with a reason. Codex uses the same
/// hook schema. A hook that crashes lets the action through, so every internal error here ends as a deny.
/// </summary>
internal static class HookCommand
{
    /// <summary>Claude Code's permission modes mapped onto the default policy's autonomy levels.</summary>
    public const string DefaultModeMap = "plan=plan,default=execute_safe,acceptEdits=execute_review,dontAsk=execute_review,bypassPermissions=full_auto";

    public static Command Create()
    {
        var autonomy = new Option<string?>("--autonomy", "-a") { Description = "The agent's autonomy level (default: $AUTOPILOT_AUTONOMY, else the event's permission_mode through --mode-map, else the policy's default)." };
        var phase = new Option<string?>("--phase") { Description = "The task's phase (default: $AUTOPILOT_PHASE, else the current phase of $AUTOPILOT_TASK in the ledger)." };
        var modeMap = new Option<string>("--mode-map") { Description = "permission_mode=level pairs.", DefaultValueFactory = _ => DefaultModeMap };
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var claude = new Command("claude-code", "Answer one Claude Code (or Codex) hook event read from stdin.") { autonomy, phase, modeMap, policy, repo };
        claude.SetAction(result =>
        {
            string stdin;
            try
            {
                stdin = ReadLimited(Console.In, ClaudeCodeHook.MaxInputLength + 1);
                return Handle(stdin, result.GetValue(autonomy), result.GetValue(phase), result.GetValue(modeMap)!, result.GetValue(policy), result.GetValue(repo)!);
            }
            catch (Exception ex)
            {
                return Deny($"internal error: {ex.Message}");
            }
        });
        var command = new Command("hook", "Adapters for agent harness hooks.");
        command.Subcommands.Add(claude);
        return command;
    }

    private static int Handle(string stdin, string? autonomy, string? phase, string modeMap, string? policyPath, string repoRoot)
    {
        string? eventName = null, permissionMode = null, session = null, cwd = null, toolName = null;
        JsonElement toolResponse = default;
        JsonElement? toolInput = null;
        try
        {
            using var doc = JsonDocument.Parse(stdin, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                eventName = Text(doc.RootElement, "hook_event_name");
                permissionMode = Text(doc.RootElement, "permission_mode");
                session = Text(doc.RootElement, "session_id");
                cwd = Text(doc.RootElement, "cwd");
                toolName = Text(doc.RootElement, "tool_name");
                toolInput = doc.RootElement.TryGetProperty("tool_input", out var input) ? input.Clone() : null;
                if (doc.RootElement.TryGetProperty("tool_response", out var response))
                {
                    toolResponse = response.Clone();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Unreadable input is the hook adapter's to judge (it denies with a reason); fall through.
        }

        var repo = cwd is { Length: > 0 } && Path.IsPathRooted(cwd) && Directory.Exists(cwd) ? RepositoryRoot.Find(cwd) : repoRoot;
        var policySource = PolicySource.Resolve(policyPath, repo);
        var loaded = PolicySource.Load(policySource);
        if (loaded.Engine is not { } engine)
        {
            return Deny($"the policy {loaded.Origin} has errors: {string.Join("; ", loaded.Diagnostics.Take(3))}");
        }

        if (eventName == "PostToolUse")
        {
            return PostToolUse(engine, repo, session ?? "default", toolResponse);
        }

        phase ??= Environment.GetEnvironmentVariable("AUTOPILOT_PHASE") ?? PhaseFromLedger(repo);
        var level = autonomy ?? Environment.GetEnvironmentVariable("AUTOPILOT_AUTONOMY") ?? MapMode(engine, permissionMode, modeMap)
            ?? engine.Plan.AutonomyLevels[engine.Plan.DefaultAutonomyLevel];
        if (engine.Plan.IndexOfAutonomyLevel(level) < 0)
        {
            return Deny($"'{level}' is not an autonomy level of the policy ({string.Join(", ", engine.Plan.AutonomyLevels)})");
        }

        var context = ActionContext.ForCurrentUser(repo) with { Phase = phase };
        ActionJudgement? judgement = null;
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => judgement = engine.Actions.Judge(c, level, context), null, null, phase);
        var reply = hook.Handle(stdin);
        DecisionRecording.RecordHook(engine, repo, judgement, reply, new DecisionFacts { Tool = toolName, ToolInput = toolInput, WorkingDirectory = cwd, Repository = repo, Level = level, Phase = phase });
        Console.Out.Write(reply.Stdout);
        if (reply.Stderr.Length > 0)
        {
            Console.Error.WriteLine(reply.Stderr);
        }

        return reply.ExitCode;
    }

    /// <summary>A tool's outcome feeds the session's signals; when the escalation rules fire, the agent is told to stop and ask.</summary>
    private static int PostToolUse(PolicyEngine engine, string repo, string session, JsonElement response)
    {
        var (failed, error) = Outcome(response);
        var signals = new RunSignalsStore(Path.Combine(repo, ".autopilot", "signals")).RecordOutcome(session, failed, error);
        var decision = new EscalationEvaluator(engine).Evaluate(signals);
        if (decision.Verdict == Verdict.Allow)
        {
            return 0;
        }

        var reason = "Autopilot: " + decision.Verdict.ToWire() + ": " + string.Join("; ", decision.Deciding.Select(f => $"{f.RuleId} — {f.Message}")) + " Stop and ask a human before going on.";
        Console.Out.Write(JsonSerializer.Serialize(new { decision = "block", reason }));
        return 0;
    }

    /// <summary>Tool responses differ by tool; these are the failure marks Claude Code's tools use.</summary>
    private static (bool Failed, string? Error) Outcome(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object)
        {
            return (false, null);
        }

        var failed = (response.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
            || (response.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False)
            || (response.TryGetProperty("interrupted", out var interrupted) && interrupted.ValueKind == JsonValueKind.True)
            || (response.TryGetProperty("exit_code", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() != 0);
        var error = Text(response, "stderr") ?? Text(response, "error");
        return (failed, failed ? error : null);
    }

    private static string? MapMode(PolicyEngine engine, string? mode, string map)
    {
        if (mode is null)
        {
            return null;
        }

        foreach (var pair in map.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == mode && engine.Plan.IndexOfAutonomyLevel(pair[(eq + 1)..]) >= 0)
            {
                return pair[(eq + 1)..];
            }
        }

        return null;
    }

    private static string? PhaseFromLedger(string repo)
    {
        var task = Environment.GetEnvironmentVariable("AUTOPILOT_TASK");
        var dir = Path.Combine(repo, ".autopilot", "ledger");
        return task is null || !Directory.Exists(dir) ? null : new LedgerReader(LedgerReader.ReadEntries(dir).Entries).CurrentPhase(task);
    }

    private static int Deny(string why)
    {
        var reason = $"Autopilot: deny: {why}; the tool call cannot be judged, so it is blocked";
        Console.Out.Write(JsonSerializer.Serialize(new { hookSpecificOutput = new { hookEventName = "PreToolUse", permissionDecision = "deny", permissionDecisionReason = reason } }));
        Console.Error.WriteLine(reason);
        return ClaudeCodeHook.BlockingExitCode;
    }

    private static string ReadLimited(TextReader reader, int max)
    {
        var buffer = new char[8192];
        var text = new System.Text.StringBuilder();
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > max)
            {
                break; // the adapter refuses it as too long; no need to read the rest
            }
        }

        return text.ToString();
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
