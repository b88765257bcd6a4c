using System.Text;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Core.Secrets;
using Autopilot.Core.Transitions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// <c>autopilot hook &lt;agent&gt;</c> as a function: one event (the agent's stdin) in, the agent's reply out. The
/// event is parsed once, mapped by the agent's <see cref="HookAdapter"/>, judged by the policy (tool calls), the
/// escalation rules (tool outcomes) or the phase's evidence (stop), recorded in the ledger when a task or ledger is
/// in play, and written back in the agent's contract. It never throws: bad input, a broken policy, a ledger that
/// cannot be written, an internal error or our own deadline all end as the agent's blocking answer naming the problem.
/// </summary>
public static class HookRunner
{
    /// <summary>Larger events are refused: no honest tool call is this big.</summary>
    public const int MaxInputLength = ClaudeCodeHook.MaxInputLength;

    public static HookReply Run(string agent, string? stdin, HookSettings settings)
    {
        var adapter = HookAdapter.For(agent);
        if (adapter is null)
        {
            var reason = Deny($"'{agent}' is not an agent Autopilot knows ({string.Join(", ", HookAdapter.All.Select(a => a.Name))})");
            return new HookReply("", reason, ClaudeCodeHook.BlockingExitCode, Verdict.Deny, null);
        }

        // The work runs on a thread of its own so that the deadline holds even if it hangs (a thread rather than a task:
        // a hook process lives for one call, and starting the thread pool costs more than one thread).
        HookReply? reply = null;
        Exception? failure = null;
        var work = new Thread(() =>
        {
            try
            {
                reply = RunCore(adapter, stdin, settings);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        { IsBackground = true, Name = "autopilot hook" };
        work.Start();
        if (!work.Join(settings.Deadline))
        {
            return adapter.Failure(Deny($"Autopilot did not decide within {settings.Deadline.TotalMilliseconds:0} ms, its own deadline (set below {adapter.DisplayName}'s hook timeout)"));
        }

        if (failure is PolicyHandOffException)
        {
            // The native front hands this call to the managed CLI (docs/native.md).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return failure is null ? reply! : adapter.Failure(Deny($"internal error: {failure.Message}"));
    }

    private static string Deny(string message) => ClaudeCodeHook.Unjudged(message).Reason;

    /// <summary>
    /// The blocking reply in <paramref name="agent"/>'s contract (Claude Code's for an agent it does not know) for a failure
    /// outside <see cref="Run"/>: the process's own deadline, input that could not be read.
    /// </summary>
    public static HookReply Failure(string agent, string message) =>
        (HookAdapter.For(agent) ?? HookAdapter.For("claude-code")!).Failure(Deny(message));

    /// <summary>
    /// The one place an agent's event text is read: parsed once, then mapped by the agent's adapter. Null with the event,
    /// or the agent's blocking reply naming why the text cannot be read.
    /// </summary>
    internal static HookReply? Parse(HookAdapter adapter, string? stdin, out HookEvent e)
    {
        e = null!;
        if (string.IsNullOrWhiteSpace(stdin))
        {
            return adapter.Failure(Deny("the hook received no input"));
        }

        if (stdin.Length > MaxInputLength)
        {
            return adapter.Failure(Deny($"the hook input is {stdin.Length} characters long, over the limit of {MaxInputLength}"));
        }

        try
        {
            using var document = JsonDocument.Parse(stdin, new JsonDocumentOptions { MaxDepth = 64 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return adapter.Failure(Deny("the hook input is not a JSON object"));
            }

            e = adapter.Parse(document.RootElement.Clone());
            return null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or HookInputException)
        {
            // ArgumentException: text that is not valid UTF-16; InvalidOperationException: a string System.Text.Json refuses to read.
            return adapter.Failure(Deny(ex is HookInputException ? ex.Message : $"the hook input is not valid {adapter.DisplayName} JSON ({ex.Message})"));
        }
    }

    private static HookReply RunCore(HookAdapter adapter, string? stdin, HookSettings settings)
    {
        if (Parse(adapter, stdin, out var e) is { } unreadable)
        {
            return unreadable;
        }

        if (e.Kind == HookEventKind.Other)
        {
            return HookAdapter.Nothing;
        }

        var scope = HookScope.Open(e, settings);
        if (scope.Engine is null)
        {
            return adapter.Failure(Deny(scope.Problem!));
        }

        return e.Kind switch
        {
            HookEventKind.PreTool or HookEventKind.PermissionRequest => JudgeTool(adapter, e, scope),
            HookEventKind.PostTool => AfterTool(adapter, e, scope),
            _ => StopGate(adapter, e, scope),
        };
    }

    private static HookReply JudgeTool(HookAdapter adapter, HookEvent e, HookScope scope)
    {
        var engine = scope.Engine!;
        var level = WorkOrders.WorkOrderConstraints.CapLevel(engine.Plan, scope.StateDir, scope.Task, scope.Settings.Autonomy ?? MapMode(engine, e.PermissionMode, scope.Settings.ModeMap) ?? engine.Plan.DefaultAutonomy);
        if (engine.Plan.IndexOfAutonomyLevel(level) < 0)
        {
            return adapter.Failure(Deny($"'{level}' is not an autonomy level of the policy ({string.Join(", ", engine.Plan.AutonomyLevels)})"));
        }

        var context = ActionContext.ForCurrentUser(scope.Repository) with { Phase = scope.Phase };
        var workspace = e.Cwd is { Length: > 0 } && Path.IsPathRooted(e.Cwd) ? scope.Repository : null;
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => engine.Actions.Judge(c, level, context), workspace, null, scope.Phase);
        var judgement = e.Calls.Select(c => hook.Evaluate(c.Tool, c.Input, e.Cwd)).Aggregate((a, b) => b.Verdict > a.Verdict ? b : a);
        var action = Action(e.Calls);

        var (verdict, reason) = (judgement.Verdict, judgement.Reason);
        ApprovalUse? approval = null;
        if (verdict == Verdict.Escalate && e.Kind == HookEventKind.PreTool && (e.CannotAsk || !adapter.Capabilities.Ask))
        {
            var code = HookApprovals.Code(action);
            if (HookApprovals.Available(scope.LedgerEntries(), code, scope.Settings.Approvals) is { } via)
            {
                (verdict, reason, approval) = (Verdict.Allow, $"Autopilot: allow: one-time approval {code} ({via}) used for this exact action. {reason}", new(code, "consumed", via));
            }
            else
            {
                (verdict, reason, approval) = (Verdict.Deny,
                    $"{reason} {adapter.DisplayName} cannot ask a person from a hook, so this is blocked until one approves it: to allow this exact action once, run `autopilot approve {code}` (or set AUTOPILOT_APPROVE={code}) and retry it unchanged.",
                    new(code, "pending", null));
            }
        }

        var reply = e.Kind == HookEventKind.PreTool ? adapter.Tool(e, verdict, reason) : adapter.Permission(e, verdict, reason);
        return Record(adapter, e, scope, judgement.Verdict, judgement.RuleIds, judgement.Reason, action, reply, approval);
    }

    /// <summary>A tool's outcome feeds the session's signals; when the escalation rules fire, the agent is told to stop and ask.</summary>
    private static HookReply AfterTool(HookAdapter adapter, HookEvent e, HookScope scope)
    {
        var signals = new RunSignalsStore(Path.Combine(scope.StateDir, "signals")).RecordOutcome(e.Session ?? "default", e.ToolFailed, e.ToolError);
        var decision = new EscalationEvaluator(scope.Engine!).Evaluate(signals);
        if (decision.Verdict == Verdict.Allow)
        {
            return adapter.After(e, null);
        }

        var deciding = decision.Deciding.ToList();
        var reason = "Autopilot: " + decision.Verdict.ToWire() + ": " + string.Join("; ", deciding.Select(f => $"{f.RuleId} — {f.Message.TrimEnd('.')}"))
            + ". Instead: stop and ask a human before going on; do not retry the same thing in another form.";
        var reply = adapter.After(e, reason);
        return Record(adapter, e, scope, decision.Verdict, deciding.Select(f => f.RuleId).Distinct().ToArray(), reason, null, reply, null);
    }

    /// <summary>The agent may not finish while the current phase's evidence is missing or failing.</summary>
    private static HookReply StopGate(HookAdapter adapter, HookEvent e, HookScope scope)
    {
        if (scope.Task is not { } task || scope.Phase is not { } phase)
        {
            return adapter.Stop(e, null); // no task in play: nothing to gate
        }

        var engine = scope.Engine!;
        var root = TransitionEvaluator.EvidenceRoot(engine, scope.Repository);
        var result = new TransitionEvaluator(engine).PhaseEvidence(task, phase, root, WorkOrders.WorkOrderConstraints.Read(scope.StateDir, task));
        var deciding = result.Decision.Deciding.ToList();
        string? reason = null;
        if (result.Decision.Verdict != Verdict.Allow)
        {
            reason = $"Autopilot: {result.Decision.Verdict.ToWire()}: task '{task}' may not finish in phase '{phase}' while its evidence is missing or failing: "
                + string.Join("; ", deciding.Select(f => $"{f.RuleId} — {f.Message.TrimEnd('.')}"))
                + $". Instead: produce that evidence under {engine.Plan.EvidenceRoot}/{task}/{phase}/ (or fix what makes it fail), then finish; or ask a human.";
        }

        var reply = adapter.Stop(e, reason);
        return Record(adapter, e, scope, result.Decision.Verdict, deciding.Select(f => f.RuleId).Distinct().ToArray(), reason ?? "Autopilot: allow: the phase's evidence is present and valid.", null, reply, null);
    }

    /// <summary>
    /// One ledger entry per decision when a task is in play (and for every deny, escalation or approval once a ledger
    /// exists): the canonical verdict and rules, and what the agent was told (exit code, stdout, stderr). An entry that
    /// must be written and cannot be turns the answer into the agent's deny, naming the problem.
    /// </summary>
    private static HookReply Record(HookAdapter adapter, HookEvent e, HookScope scope, Verdict verdict, IReadOnlyList<string> ruleIds, string reason, string? action, HookReply told, ApprovalUse? approval)
    {
        var ledgerDir = Path.Combine(scope.StateDir, "ledger");
        var required = scope.Task is not null || approval is not null || (verdict != Verdict.Allow && (scope.Shared || Directory.Exists(ledgerDir)));
        if (!required)
        {
            return told;
        }

        try
        {
            using var stores = Storage.StateStores.Open(scope.StateDir, scope.Settings.Store);
            using var ledger = stores.OpenLedger();
            ledger.Append(new LedgerAppend
            {
                Actor = scope.Settings.Actor ?? adapter.Name,
                Kind = verdict switch { Verdict.Deny => LedgerEntryKind.Denied, Verdict.Escalate => LedgerEntryKind.Escalation, _ => LedgerEntryKind.Other },
                Task = scope.Task,
                FromPhase = scope.Phase,
                Verdict = verdict,
                RuleIds = ruleIds,
                PolicyHash = scope.Engine!.PolicyHash,
                Details = Details(adapter, e, reason, action, told, approval),
            });
            return told;
        }
        catch (Exception ex) when (ex is Storage.StorageException or LedgerCorruptException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return adapter.Failure(Deny($"the decision cannot be recorded in the ledger{(scope.Shared ? " of the shared store" : $" at {ledgerDir}")} ({ex.Message})"));
        }
    }

    private const int MaxToldLength = 4000;

    private static JsonElement Details(HookAdapter adapter, HookEvent e, string reason, string? action, HookReply told, ApprovalUse? approval)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartObject("hook");
            w.WriteString("agent", adapter.Name);
            w.WriteString("event", e.EventName);
            if (e.Calls.Count > 0)
            {
                w.WriteString("tool", e.Calls[0].AgentTool);
            }

            // What the agent sent and was told can hold credentials: masked by the gate's secret detectors before it is kept.
            if (action is not null)
            {
                w.WriteString("action", SecretDetectors.Mask(action));
            }

            w.WriteString("reason", SecretDetectors.Mask(reason));
            w.WriteEndObject();
            w.WriteStartObject("told");
            w.WriteString("decision", told.Verdict?.ToWire() ?? "none");
            w.WriteNumber("exit_code", told.ExitCode);
            w.WriteString("stdout", Cut(SecretDetectors.Mask(told.Stdout)));
            w.WriteString("stderr", Cut(SecretDetectors.Mask(told.Stderr)));
            w.WriteEndObject();
            if (approval is { } a)
            {
                HookApprovals.WriteApproval(w, a.Code, a.Status, a.Via);
            }

            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(stream.ToArray());
        return doc.RootElement.Clone();
    }

    private static string Cut(string text) => text.Length <= MaxToldLength ? text : text[..MaxToldLength] + "...";

    /// <summary>The exact action, as the approval code and the ledger name it: each call's tool and its command, path or input.</summary>
    private static string Action(IReadOnlyList<HookToolCall> calls)
    {
        var sb = new StringBuilder();
        foreach (var call in calls)
        {
            var what = call.Input.ValueKind == JsonValueKind.Object
                ? (call.Input.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()
                    : call.Input.TryGetProperty("file_path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()
                    : call.Input.GetRawText())
                : call.Input.ValueKind == JsonValueKind.Undefined ? "" : call.Input.GetRawText();
            sb.Append(sb.Length > 0 ? "\n" : "").Append(call.Tool).Append(' ').Append(what);
        }

        return sb.ToString();
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

    private sealed record ApprovalUse(string Code, string Status, string? Via);

    /// <summary>Where the event plays: the repository (from the event's cwd), the policy, the state folder, the task and its phase.</summary>
    private sealed class HookScope
    {
        public required HookSettings Settings { get; init; }

        public required string Repository { get; init; }

        public required string StateDir { get; init; }

        public PolicyEngine? Engine { get; init; }

        public string? Problem { get; init; }

        public string? Task { get; init; }

        public string? Phase { get; init; }

        /// <summary>Whether a shared store is configured (<see cref="HookSettings.Store"/>, AUTOPILOT_STORE, the config file): the ledger is its.</summary>
        public bool Shared { get; init; }

        private IReadOnlyList<LedgerEntry>? _entries;

        public IReadOnlyList<LedgerEntry> LedgerEntries()
        {
            if (_entries is not null)
            {
                return _entries;
            }

            if (Shared)
            {
                using var stores = Storage.StateStores.Open(StateDir, Settings.Store);
                return _entries = stores.ReadLedger();
            }

            var dir = Path.Combine(StateDir, "ledger");
            return _entries = Directory.Exists(dir) ? LedgerReader.ReadEntries(dir).Entries : [];
        }

        public static HookScope Open(HookEvent e, HookSettings settings)
        {
            var repo = e.Cwd is { Length: > 0 } cwd && Path.IsPathRooted(cwd) && Directory.Exists(cwd) ? RepositoryRoot.Find(cwd) : settings.RepositoryRoot;
            var stateDir = Path.GetFullPath(settings.StateDir ?? Path.Combine(repo, ".autopilot"));
            LoadedPolicy loaded;
            try
            {
                loaded = PolicySource.Load(PolicySource.Resolve(settings.PolicyPath, repo), cacheDirectory: PolicySource.CacheDirectory(repo));
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                return new HookScope { Settings = settings, Repository = repo, StateDir = stateDir, Problem = $"the policy cannot be loaded: {ex.Message}" };
            }

            if (loaded.Engine is null)
            {
                return new HookScope
                {
                    Settings = settings, Repository = repo, StateDir = stateDir,
                    Problem = $"the policy {loaded.Origin} has errors: {string.Join("; ", loaded.Diagnostics.Take(3))}",
                };
            }

            var shared = Storage.StateStores.Resolve(stateDir, settings.Store).Target is not null;
            var scope = new HookScope { Settings = settings, Repository = repo, StateDir = stateDir, Engine = loaded.Engine, Task = settings.Task, Shared = shared };
            var phase = settings.Phase ?? (settings.Task is { } task ? new LedgerReader(scope.LedgerEntries()).CurrentPhase(task) : null);
            return new HookScope { Settings = settings, Repository = repo, StateDir = stateDir, Engine = loaded.Engine, Task = settings.Task, Shared = shared, Phase = phase, _entries = scope._entries };
        }
    }
}
