using System.Text;
using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>What an agent's hooks can do, as its documentation and source say (docs/agents.md gives the sources).</summary>
/// <param name="Ask">A pre-tool hook can hand the call to a person (else an escalation becomes a deny with an approval code).</param>
/// <param name="ModifyInput">A pre-tool hook can rewrite the tool's input (Autopilot does not use it).</param>
/// <param name="BlockAtStop">A stop hook can keep the agent from finishing (the evidence gate).</param>
/// <param name="FailClosedSetting">A setting that makes a crashed or timed-out hook block; null when the agent has none.</param>
internal sealed record HookCapabilities(bool Ask, bool ModifyInput, bool BlockAtStop, string? FailClosedSetting);

/// <summary>
/// One agent's hook contract: reads its event (once parsed) into a <see cref="HookEvent"/>, and writes a verdict
/// back in the exact shape and exit code the agent accepts. Adapters translate; <see cref="HookRunner"/> decides.
/// </summary>
internal abstract class HookAdapter
{
    /// <summary>The agents, by the name <c>autopilot hook &lt;agent&gt;</c> takes.</summary>
    public static IReadOnlyList<HookAdapter> All { get; } =
        [new ClaudeCodeAdapter(), new CodexAdapter(), new GeminiAdapter(), new CursorAdapter(), new CopilotAdapter()];

    public static HookAdapter? For(string agent) => All.FirstOrDefault(a => a.Name == agent);

    /// <summary>The name on the command line: <c>claude-code</c>, <c>codex</c>, <c>gemini</c>, <c>cursor</c>, <c>copilot</c>.</summary>
    public abstract string Name { get; }

    public abstract string DisplayName { get; }

    public abstract HookCapabilities Capabilities { get; }

    /// <summary>Reads the agent's event; throws <see cref="HookInputException"/> naming what is wrong.</summary>
    public abstract HookEvent Parse(JsonElement root);

    /// <summary>The answer to a tool call. An escalation reaches here only when the event can ask.</summary>
    public abstract HookReply Tool(HookEvent e, Verdict verdict, string reason);

    /// <summary>The answer to the agent's own permission dialog: allow, deny, or nothing (a person decides).</summary>
    public virtual HookReply Permission(HookEvent e, Verdict verdict, string reason) => Tool(e, verdict, reason);

    /// <summary>After a tool ran: null when all is well, else the reason the agent must stop and ask.</summary>
    public abstract HookReply After(HookEvent e, string? stopReason);

    /// <summary>The agent wants to finish: null lets it, else the reason it may not yet.</summary>
    public abstract HookReply Stop(HookEvent e, string? blockReason);

    /// <summary>A pre-tool event of this agent for a shell command, as the agent would send it (doctor's self-test).</summary>
    public abstract string ShellEvent(string command, string cwd);

    /// <summary>Anything that went wrong on our side, or input we cannot read: the agent's blocking answer.</summary>
    public abstract HookReply Failure(string reason);

    public static HookReply Nothing { get; } = new("", "", 0, null, null);

    protected static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    protected static JsonElement Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    protected static bool IsTrue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    protected static string RequireText(JsonElement root, string name) =>
        Text(root, name) is { Length: > 0 } text ? text : throw new HookInputException($"the hook input has no {name}");

    /// <summary>Builds a JSON object with the writer; the adapters' replies are small and fixed in shape.</summary>
    protected static string Json(Action<Utf8JsonWriter> body)
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

    /// <summary>A new JSON object from name/value pairs (an adapter re-shaping an agent's tool input into Claude Code's field names).</summary>
    protected static JsonElement Object(params (string Name, string? Value)[] fields) => Ledger.LedgerDetails.Object(fields);

    /// <summary>Failure signals Claude Code's and Codex's tool responses carry.</summary>
    protected static (bool Failed, string? Error) Outcome(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object)
        {
            return (false, null);
        }

        var failed = IsTrue(response, "is_error") || IsTrue(response, "interrupted")
            || (response.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False)
            || (response.TryGetProperty("exit_code", out var code) && code.ValueKind == JsonValueKind.Number && (!code.TryGetInt32(out var c) || c != 0));
        var error = Text(response, "stderr") ?? Text(response, "error");
        return (failed, failed ? error : null);
    }

    /// <summary>The same answer to a stop (or a post-tool block) that Claude Code and Codex read: <c>{"decision":"block","reason":...}</c>.</summary>
    protected static HookReply Block(string? reason, Verdict verdict = Verdict.Deny) =>
        reason is null ? Nothing : new HookReply(Json(w => { w.WriteString("decision", "block"); w.WriteString("reason", reason); }), "", 0, verdict, null);
}
