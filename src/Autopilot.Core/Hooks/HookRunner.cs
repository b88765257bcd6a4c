using System.Text;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>How a hook call is set up: the command line's options, with the environment's defaults applied by the caller or here.</summary>
/// <param name="RepoRoot">The repository when the event names no usable cwd.</param>
/// <param name="PolicyPath">An explicit policy file (--policy); null to find one as <see cref="PolicySource.Resolve"/> does.</param>
/// <param name="Autonomy">The agent's level (--autonomy); null for $AUTOPILOT_AUTONOMY, else the permission mode through <paramref name="ModeMap"/>, else the policy's default.</param>
/// <param name="Phase">The task's phase (--phase); null for $AUTOPILOT_PHASE, else the ledger's current phase of $AUTOPILOT_TASK.</param>
/// <param name="ModeMap">permission_mode=level pairs.</param>
public sealed record HookSettings(string RepoRoot, string? PolicyPath = null, string? Autonomy = null, string? Phase = null, string ModeMap = HookRunner.DefaultModeMap);

/// <summary>
/// One agent hook event in, the reply out: loads the policy (<see cref="PolicySource"/>), routes the event
/// (PreToolUse to <see cref="ClaudeCodeHook"/>, PostToolUse to the run signals and escalation rules) and
/// never throws: a hook that crashes lets the action through, so every failure here ends as a deny.
/// </summary>
public static class HookRunner
{
    /// <summary>Claude Code's permission modes mapped onto the default policy's autonomy levels.</summary>
    public const string DefaultModeMap = "plan=plan,default=execute_safe,acceptEdits=execute_review,dontAsk=execute_review,bypassPermissions=full_auto";

    /// <summary>The agents whose hook contract is Claude Code's.</summary>
    public static bool IsKnownAgent(string agent) => agent == "claude-code";

    public static HookReply Run(string agent, string stdin, HookSettings settings)
    {
        try
        {
            if (!IsKnownAgent(agent))
            {
                return Deny($"'{agent}' is not an agent this hook knows");
            }

            return Handle(stdin, settings);
        }
        catch (PolicyHandOffException)
        {
            throw; // the native front hands this call to the managed CLI (docs/native.md)
        }
        catch (Exception ex)
        {
            return Deny($"internal error: {ex.Message}");
        }
    }

    private static HookReply Handle(string stdin, HookSettings settings)
    {
        string? eventName = null, permissionMode = null, session = null, cwd = null;
        JsonElement toolResponse = default;
        try
        {
            using var doc = JsonDocument.Parse(stdin, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                eventName = Text(doc.RootElement, "hook_event_name");
                permissionMode = Text(doc.RootElement, "permission_mode");
                session = Text(doc.RootElement, "session_id");
                cwd = Text(doc.RootElement, "cwd");
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

        var repo = cwd is { Length: > 0 } && Path.IsPathRooted(cwd) && Directory.Exists(cwd) ? RepositoryRoot.Find(cwd) : settings.RepoRoot;
        string? policySource;
        try
        {
            policySource = PolicySource.Resolve(settings.PolicyPath, repo);
        }
        catch (InvalidOperationException ex)
        {
            return Deny(ex.Message);
        }

        var loaded = PolicySource.Load(policySource, cacheDirectory: PolicySource.CacheDirectory(repo));
        if (loaded.Engine is not { } engine)
        {
            return Deny($"the policy {loaded.Origin} has errors: {string.Join("; ", loaded.Diagnostics.Take(3))}");
        }

        if (eventName == "PostToolUse")
        {
            return PostToolUse(engine, repo, session ?? "default", toolResponse);
        }

        var phase = settings.Phase ?? Environment.GetEnvironmentVariable("AUTOPILOT_PHASE") ?? PhaseFromLedger(repo);
        var level = settings.Autonomy ?? Environment.GetEnvironmentVariable("AUTOPILOT_AUTONOMY") ?? MapMode(engine, permissionMode, settings.ModeMap)
            ?? engine.Plan.AutonomyLevels[engine.Plan.DefaultAutonomyLevel];
        if (engine.Plan.IndexOfAutonomyLevel(level) < 0)
        {
            return Deny($"'{level}' is not an autonomy level of the policy ({string.Join(", ", engine.Plan.AutonomyLevels)})");
        }

        var context = ActionContext.ForCurrentUser(repo) with { Phase = phase };
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => engine.Actions.Judge(c, level, context), null, null, phase);
        return hook.Handle(stdin);
    }

    /// <summary>A tool's outcome feeds the session's signals; when the escalation rules fire, the agent is told to stop and ask.</summary>
    private static HookReply PostToolUse(PolicyEngine engine, string repo, string session, JsonElement response)
    {
        var (failed, error) = Outcome(response);
        var signals = new RunSignalsStore(Path.Combine(repo, ".autopilot", "signals")).RecordOutcome(session, failed, error);
        var decision = new EscalationEvaluator(engine).Evaluate(signals);
        if (decision.Verdict == Verdict.Allow)
        {
            return new HookReply("", "", 0, decision.Verdict, null);
        }

        var reason = "Autopilot: " + decision.Verdict.ToWire() + ": " + string.Join("; ", decision.Deciding.Select(f => $"{f.RuleId} — {f.Message}")) + " Stop and ask a human before going on.";
        return new HookReply(Json(w =>
        {
            w.WriteString("decision", "block");
            w.WriteString("reason", reason);
        }), "", 0, decision.Verdict, null);
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

    /// <summary>A call that cannot be judged: deny on both channels, with the contract's blocking exit code.</summary>
    public static HookReply Deny(string why)
    {
        var reason = $"Autopilot: deny: {why}; the tool call cannot be judged, so it is blocked";
        var stdout = Json(w =>
        {
            w.WriteStartObject("hookSpecificOutput");
            w.WriteString("hookEventName", "PreToolUse");
            w.WriteString("permissionDecision", "deny");
            w.WriteString("permissionDecisionReason", reason);
            w.WriteEndObject();
        });
        return new HookReply(stdout, reason, ClaudeCodeHook.BlockingExitCode, Verdict.Deny, null);
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
