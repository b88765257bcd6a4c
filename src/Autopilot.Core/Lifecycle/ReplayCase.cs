using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Autonomy;
using Autopilot.Core.Decisions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Hooks;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Core.Tools;
using Autopilot.Core.Transitions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Lifecycle;

/// <summary>
/// One decision to make again under two policies (issue 14, replay): where it comes from (a ledger sequence, a
/// corpus line, a commit), the question, what was judged, and how to decide it under a given policy.
/// </summary>
public sealed record ReplayCase(string Source, string Question, string Subject, Func<PolicyEngine, Decision> Decide)
{
    /// <summary>Which input the case comes from: ledger, corpus or git (the report counts by it).</summary>
    public string Origin { get; init; } = ReplayOrigins.Ledger;
}

/// <summary>The inputs a replay reads.</summary>
public static class ReplayOrigins
{
    public const string Ledger = "ledger";
    public const string Corpus = "corpus";
    public const string Git = "git";
}

/// <summary>A recorded decision that cannot be decided again, and why (the report counts and names these).</summary>
public sealed record ReplaySkip(string Source, string Reason);

/// <summary>Turns decision-log records and corpus lines into <see cref="ReplayCase"/>s.</summary>
public static class ReplayCases
{
    /// <summary>The case that decides <paramref name="logged"/> again, or null with <paramref name="skip"/> saying why it cannot be.</summary>
    public static ReplayCase? FromLog(LoggedDecision logged, out ReplaySkip? skip)
    {
        ArgumentNullException.ThrowIfNull(logged);
        var f = logged.Record.Facts;
        var source = $"ledger #{logged.Entry.Sequence}";
        skip = null;
        switch (logged.Record.Question)
        {
            case DecisionQuestions.Command when f.Command is { } command:
                return new ReplayCase(source, DecisionQuestions.Command, command,
                    e => e.Actions.Command(command, Context(f), LevelOr(e, f.Level)));
            case DecisionQuestions.Path when f.Path is { } path && OpOf(f.Operation) is { } op:
                return new ReplayCase(source, DecisionQuestions.Path, $"{f.Operation} {path}",
                    e => e.Actions.Path(path, op, Context(f), LevelOr(e, f.Level)));
            case DecisionQuestions.Tool when f.Tool is { } tool && f.Phase is { } phase:
                return new ReplayCase(source, DecisionQuestions.Tool, $"tool {tool} in {phase}",
                    e => f.Level is { } level ? e.Actions.Tool(tool, Context(f), level) : new ToolGuard(e).Check(phase, tool));
            case DecisionQuestions.Autonomy when f.Level is { } level && f.Risk is { } risk:
                return new ReplayCase(source, DecisionQuestions.Autonomy, $"level {level} at risk {risk}",
                    e => new AutonomyEvaluator(e).Check(level, risk));
            case DecisionQuestions.Hook when f.Tool is { } tool:
                return new ReplayCase(source, DecisionQuestions.Hook, HookSubject(tool, f.ToolInput), e => Hook(e, f));
            case DecisionQuestions.Escalation when f.Signals is { } signals:
                return new ReplayCase(source, DecisionQuestions.Escalation, "escalation" + (f.Task is null ? "" : $" for {f.Task}"),
                    e => new EscalationEvaluator(e).Evaluate(Signals(signals, f)));
            case DecisionQuestions.Transition when f.Task is { } task && f.From is { } from && f.To is { } to:
                return new ReplayCase(source, DecisionQuestions.Transition, $"{task} {from} → {to}", e => Transition(e, task, from, to, f));
            case DecisionQuestions.Gate:
                skip = new ReplaySkip(source, $"a gate decision over {f.Range ?? "a change"}: replay the commits with --git");
                return null;
            default:
                skip = new ReplaySkip(source, $"a {logged.Record.Question} decision without the facts to decide it again");
                return null;
        }
    }

    /// <summary>A corpus line: a JSON object with a "command" (or "cmd") field, decided as `check command` in <paramref name="repository"/>.</summary>
    /// <exception cref="FormatException">The line is not such an object; the message says what it is.</exception>
    public static ReplayCase FromCorpusLine(string line, string source, string repository, string? level, string? phase)
    {
        string? command;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            command = root.ValueKind != JsonValueKind.Object ? null
                : root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()
                : root.TryGetProperty("cmd", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()
                : null;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        if (command is null)
        {
            throw new FormatException($"{source}: a corpus line must be a JSON object with a \"command\" string");
        }

        var facts = new DecisionFacts { Command = command, Repository = repository, WorkingDirectory = repository, Level = level, Phase = phase };
        return new ReplayCase(source, DecisionQuestions.Command, command, e => e.Actions.Command(command, Context(facts), LevelOr(e, level))) { Origin = ReplayOrigins.Corpus };
    }

    /// <summary>The decision a hook reply gave: the engine's, or (input the hook refused, a fixed verdict) one that says what the reply said.</summary>
    public static Decision HookDecision(PolicyEngine engine, ActionJudgement? judgement, HookReply reply)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(reply);
        var verdict = reply.Verdict ?? Verdict.Deny;
        var decision = judgement?.Decision;
        if (decision is not null && decision.Verdict == verdict)
        {
            return decision;
        }

        var reason = reply.Stderr.Length > 0 ? reply.Stderr : $"the hook answered {verdict.ToWire()}";
        return new Decision([.. decision?.Findings ?? [], new Finding(RuleIds.Hook, verdict.ToSeverity(), reason)], engine.PolicyHash, decision?.Elapsed ?? TimeSpan.Zero)
        {
            Shadow = decision?.Shadow ?? [],
        };
    }

    private static Decision Hook(PolicyEngine engine, DecisionFacts f)
    {
        var level = LevelOr(engine, f.Level);
        var context = Context(f);
        ActionJudgement? judgement = null;
        var hook = new ClaudeCodeHook(engine.Actions.Classifier, c => judgement = engine.Actions.Judge(c, level, context), f.Repository, null, f.Phase);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("hook_event_name", "PreToolUse");
            w.WriteString("tool_name", f.Tool);
            if (f.ToolInput is { } input)
            {
                w.WritePropertyName("tool_input");
                input.WriteTo(w);
            }

            if (f.WorkingDirectory is { } cwd)
            {
                w.WriteString("cwd", cwd);
            }

            w.WriteEndObject();
        }

        var reply = hook.Handle(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        return HookDecision(engine, judgement, reply);
    }

    private static Decision Transition(PolicyEngine engine, string task, string from, string to, DecisionFacts f)
    {
        // The evidence is read from disk again; the recorded hashes say whether it is still what was judged.
        var root = f.EvidenceRoot ?? TransitionEvaluator.EvidenceRoot(engine, f.Repository ?? Directory.GetCurrentDirectory());
        return new TransitionEvaluator(engine).Evaluate(new TransitionRequest(task, from, to, root)).Decision;
    }

    private static RunSignals Signals(IReadOnlyDictionary<string, double> values, DecisionFacts f)
    {
        var signals = new RunSignals { Task = f.Task, Phase = f.Phase };
        foreach (var pair in values)
        {
            if (SignalNames.IndexOf(pair.Key) >= 0)
            {
                signals[pair.Key] = pair.Value;
            }
        }

        return signals;
    }

    private static string HookSubject(string tool, JsonElement? input)
    {
        if (input is { ValueKind: JsonValueKind.Object } i)
        {
            foreach (var name in (string[])["command", "file_path", "path", "url"])
            {
                if (i.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return $"{tool}: {value.GetString()}";
                }
            }
        }

        return tool;
    }

    private static ActionContext Context(DecisionFacts f)
    {
        var repo = f.Repository ?? Directory.GetCurrentDirectory();
        return ActionContext.ForCurrentUser(repo) with { WorkingDirectory = f.WorkingDirectory ?? repo, Phase = f.Phase };
    }

    /// <summary>The recorded level, or the policy's default level when none was recorded.</summary>
    private static string LevelOr(PolicyEngine engine, string? level) => level ?? engine.Plan.AutonomyLevels[engine.Plan.DefaultAutonomyLevel];

    private static FileOp? OpOf(string? op) => op switch
    {
        "read" => FileOp.Read,
        "write" => FileOp.Write,
        "delete" => FileOp.Delete,
        _ => null,
    };
}
