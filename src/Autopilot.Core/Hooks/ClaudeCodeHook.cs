using System.Text;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>What the hook answers: the text for stdout and stderr, the exit code, and the decision behind them.</summary>
/// <param name="Stdout">JSON for Claude Code (empty when the event is not one the hook judges).</param>
/// <param name="Stderr">The reason, when the call is blocked with exit code 2 (input that could not be read).</param>
/// <param name="ExitCode">0 when stdout carries the decision; 2 blocks the call (Claude Code shows stderr to the model).</param>
/// <param name="Verdict">The verdict, or null when the event was not judged.</param>
/// <param name="Classification">The classification the verdict came from, when there was one.</param>
public sealed record HookReply(string Stdout, string Stderr, int ExitCode, Verdict? Verdict, ActionClassification? Classification);

/// <summary>The engine's answer to one tool call, before any agent's wire format: the verdict, the reason the agent is told (naming the rules and the way forward), and the classification it came from.</summary>
internal sealed record HookJudgement(Verdict Verdict, string Reason, ActionClassification? Classification)
{
    /// <summary>The ids of the rules that decided (at the deciding risk, or with a fixed verdict).</summary>
    public IReadOnlyList<string> RuleIds => Classification is null ? [Autopilot.Policy.Model.RuleIds.HookInput]
        : Classification.Matches.Where(m => m.RiskIndex == Classification.RiskIndex || m.FixedVerdict is not null).Select(m => m.RuleId).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Claude Code's PreToolUse hook as a pure function: the event JSON (stdin) in, the reply JSON and exit
/// code out. Bash commands, file edits and reads, web and MCP tools are classified by the
/// <see cref="ActionClassifier"/>; the caller's delegate turns the classification into a verdict
/// (allow → "allow", escalate → "ask", deny → "deny"). Input that cannot be read is denied.
/// </summary>
internal sealed class ClaudeCodeHook
{
    /// <summary>Larger events are refused: no honest tool call is this big.</summary>
    public const int MaxInputLength = 4 * 1024 * 1024;

    /// <summary>The hook contract's exit code that blocks the tool call and hands stderr to the agent.</summary>
    public const int BlockingExitCode = 2;

    private const int MaxReasonLength = 1500;

    private readonly ActionClassifier _classifier;
    private readonly Func<ActionClassification, (ActionClassification Judged, Verdict Verdict)> _judge;
    private readonly string? _workspaceRoot;
    private readonly string _home;
    private readonly string? _phase;

    /// <param name="classifier">Classifier built from the policy.</param>
    /// <param name="decide">The autonomy decision: risk (and matches) → verdict, for the actor at hand. The reason names the classification's matches as they are; a policy with <c>when:</c> predicates wants the other constructor.</param>
    /// <param name="workspaceRoot">The project root; the event's <c>cwd</c> when null.</param>
    /// <param name="homeDirectory">The home folder; the current user's when null.</param>
    /// <param name="phase">The task's phase, for the phase's tool list.</param>
    public ClaudeCodeHook(ActionClassifier classifier, Func<ActionClassification, Verdict> decide, string? workspaceRoot = null, string? homeDirectory = null, string? phase = null)
        : this(classifier, FromVerdict(decide), workspaceRoot, homeDirectory, phase)
    {
    }

    /// <param name="classifier">Classifier built from the policy.</param>
    /// <param name="judge">
    /// The engine's judgement for the actor at hand (<see cref="ActionEvaluator.Judge"/>): the verdict, and the
    /// classification with the rules' <c>when:</c> predicates applied, which the reason is built from.
    /// </param>
    /// <param name="workspaceRoot">The project root; the event's <c>cwd</c> when null.</param>
    /// <param name="homeDirectory">The home folder; the current user's when null.</param>
    /// <param name="phase">The task's phase, for the phase's tool list.</param>
    public ClaudeCodeHook(ActionClassifier classifier, Func<ActionClassification, ActionJudgement> judge, string? workspaceRoot = null, string? homeDirectory = null, string? phase = null)
        : this(classifier, FromJudgement(judge), workspaceRoot, homeDirectory, phase)
    {
    }

    private ClaudeCodeHook(ActionClassifier classifier, Func<ActionClassification, (ActionClassification Judged, Verdict Verdict)> judge, string? workspaceRoot, string? homeDirectory, string? phase)
    {
        _classifier = classifier ?? throw new ArgumentNullException(nameof(classifier));
        _judge = judge;
        _workspaceRoot = workspaceRoot;
        _home = homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        _phase = phase;
    }

    private static Func<ActionClassification, (ActionClassification, Verdict)> FromVerdict(Func<ActionClassification, Verdict> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return c => (c, decide(c));
    }

    private static Func<ActionClassification, (ActionClassification, Verdict)> FromJudgement(Func<ActionClassification, ActionJudgement> judge)
    {
        ArgumentNullException.ThrowIfNull(judge);
        return c =>
        {
            var judgement = judge(c);
            return (judgement.Classification, judgement.Decision.Verdict);
        };
    }

    /// <summary>
    /// One Claude Code PreToolUse event (its stdin) judged by this hook's delegate, without a policy file, ledger or
    /// deadline (those are <see cref="HookRunner"/>'s). The event is read by <see cref="HookRunner"/>'s parser and
    /// <see cref="ClaudeCodeAdapter"/>, the one home of the protocol; other events are answered with nothing.
    /// </summary>
    public HookReply Handle(string? stdin)
    {
        var adapter = HookAdapter.For("claude-code")!;
        if (HookRunner.Parse(adapter, stdin, out var e) is { } unreadable)
        {
            return unreadable;
        }

        if (e.Kind != HookEventKind.PreTool)
        {
            return HookAdapter.Nothing;
        }

        HookJudgement judgement;
        try
        {
            judgement = e.Calls.Select(c => Evaluate(c.Tool, c.Input, e.Cwd)).Aggregate((x, y) => y.Verdict > x.Verdict ? y : x);
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses strings such as a lone surrogate escape ("\ud800") when they are read.
            judgement = Unjudged($"the hook input holds a string that is not valid text ({ex.Message})");
        }

        return Reply(judgement.Verdict, judgement.Reason, judgement.Classification);
    }

    /// <summary>
    /// The judgement of one tool call named as Claude Code names its tools (<c>Bash</c>, <c>Edit</c>, <c>Read</c>,
    /// <c>mcp__server__tool</c>...): what every agent adapter maps its own tool calls onto. Input that cannot be
    /// judged (a Bash call without a command) is denied with a reason that says so.
    /// </summary>
    public HookJudgement Evaluate(string tool, JsonElement input, string? cwd)
    {
        var workspace = _workspaceRoot ?? cwd;
        if (string.IsNullOrEmpty(workspace) || workspace[0] != '/')
        {
            return Unjudged("the hook input has no absolute cwd and no workspace root was configured");
        }

        var context = new ActionContext(workspace, _home)
        {
            WorkingDirectory = cwd is { Length: > 0 } && cwd[0] == '/' ? cwd : null,
            Phase = _phase,
        };

        var classification = _classifier.ClassifyTool(tool, context);
        switch (tool)
        {
            case "Bash":
                {
                    var command = GetString(input, "command");
                    if (command is null)
                    {
                        return Unjudged("Bash tool_input has no command string");
                    }

                    classification = Combine(classification, _classifier.ClassifyCommand(command, context));
                    break;
                }

            case "Edit" or "Write" or "MultiEdit" or "NotebookEdit" or "Read":
                {
                    var field = tool == "NotebookEdit" ? "notebook_path" : "file_path";
                    var path = GetString(input, field);
                    if (path is null)
                    {
                        return Unjudged($"{tool} tool_input has no {field}");
                    }

                    classification = Combine(classification, _classifier.ClassifyPath(path, tool == "Read" ? FileOp.Read : FileOp.Write, context));
                    break;
                }

            case "Glob" or "Grep" or "LS":
                {
                    if (GetString(input, "path") is { Length: > 0 } path)
                    {
                        classification = Combine(classification, _classifier.ClassifyPath(path, FileOp.Read, context));
                    }

                    break;
                }
        }

        (classification, var verdict) = _judge(classification);
        if (classification.FixedVerdict is { } fixedVerdict)
        {
            verdict = VerdictExtensions.Max(verdict, fixedVerdict);
        }

        if (classification.IsUnknown)
        {
            // What could not be understood is never allowed, whatever the actor's level.
            verdict = Verdict.Deny;
        }

        return new HookJudgement(verdict, Reason(verdict, classification), classification);
    }

    /// <summary>A tool call that cannot be judged: denied, and the reason says why.</summary>
    public static HookJudgement Unjudged(string message) =>
        new(Verdict.Deny, $"Autopilot: deny: {message}; the tool call cannot be judged, so it is blocked. Instead: fix the tool call (or the hook's wiring) and try again.", null);

    /// <summary>Both classifications at once: the higher risk, every match.</summary>
    private static ActionClassification Combine(ActionClassification a, ActionClassification b)
    {
        var winner = b.RiskIndex >= a.RiskIndex ? b : a;
        var matches = new List<ActionMatch>(a.Matches.Count + b.Matches.Count);
        matches.AddRange(a.Matches);
        matches.AddRange(b.Matches);
        return new ActionClassification(winner.RiskIndex, winner.Risk, matches)
        {
            Parse = b.Parse ?? a.Parse,
            IsUnknown = a.IsUnknown || b.IsUnknown,
            Effects = [.. a.Effects, .. b.Effects],
        };
    }

    private static string Reason(Verdict verdict, ActionClassification classification)
    {
        var sb = new StringBuilder("Autopilot: ").Append(verdict.ToWire()).Append(" (risk ").Append(classification.Risk).Append(')');
        var any = false;
        foreach (var match in classification.Matches)
        {
            if (match.RiskIndex != classification.RiskIndex && match.FixedVerdict is null)
            {
                continue;
            }

            sb.Append(any ? "; " : ": ").Append(match.RuleId);
            if (match.Rule?.Location is { } written)
            {
                // Provenance (issue 14): where the rule that decided is written.
                sb.Append(" (").Append(written.Path).Append(':').Append(written.Line).Append(')');
            }

            sb.Append(" — ").Append(match.Reason);
            if (match.PredicateFailure is { } failure)
            {
                sb.Append(" (its 'when' predicate failed, so the rule applies: ").Append(failure).Append(')');
            }

            any = true;
        }

        if (!any)
        {
            sb.Append(classification.Matches.Count == 0 ? ": no risk rule matched" : ": " + classification.Matches[0].Reason);
        }

        if (verdict != Verdict.Allow)
        {
            // The way forward, so that the agent does not retry the same thing in another form.
            var alternatives = classification.Matches
                .Where(m => m.Alternative is not null && (m.RiskIndex == classification.RiskIndex || m.FixedVerdict is not null))
                .Select(m => m.Alternative!)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            sb.Append(". ").Append(CommandExplanation.Instead(alternatives, verdict));
        }

        return sb.Length <= MaxReasonLength ? sb.ToString() : sb.ToString(0, MaxReasonLength - 3) + "...";
    }

    internal static HookReply Reply(Verdict verdict, string reason, ActionClassification? classification)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("hookSpecificOutput");
            writer.WriteString("hookEventName", "PreToolUse");
            writer.WriteString("permissionDecision", verdict switch { Verdict.Allow => "allow", Verdict.Escalate => "ask", _ => "deny" });
            writer.WriteString("permissionDecisionReason", reason);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        // A deny also blocks through the contract's exit code 2 with the reason on stderr: a harness that ignores
        // the JSON (or an older one) still stops the call.
        return verdict == Verdict.Deny
            ? new HookReply(Encoding.UTF8.GetString(stream.ToArray()), reason, BlockingExitCode, verdict, classification)
            : new HookReply(Encoding.UTF8.GetString(stream.ToArray()), "", 0, verdict, classification);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
