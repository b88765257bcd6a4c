using System.Text.Json;

namespace Autopilot.Core.Hooks;

/// <summary>What an agent's hook event asks, whatever the agent: the adapters map their events onto these.</summary>
internal enum HookEventKind : byte
{
    /// <summary>Before a tool runs: allow, ask or deny (Claude Code PreToolUse, Codex PreToolUse, Gemini BeforeTool, Cursor before*, Copilot preToolUse).</summary>
    PreTool,

    /// <summary>The agent is about to show its own permission dialog (Claude Code and Codex PermissionRequest).</summary>
    PermissionRequest,

    /// <summary>After a tool ran: its outcome feeds the run signals and the escalation rules.</summary>
    PostTool,

    /// <summary>The agent (or a subagent) wants to finish: the phase's evidence gate.</summary>
    Stop,

    /// <summary>An event the hook has nothing to say about: no answer, the agent goes on.</summary>
    Other,
}

/// <summary>One tool call in Claude Code's vocabulary (<c>Bash</c> with <c>command</c>, <c>Write</c> with <c>file_path</c>...), which the engine judges.</summary>
/// <param name="Tool">The tool as the engine knows it.</param>
/// <param name="Input">Its input, in Claude Code's field names.</param>
/// <param name="AgentTool">The tool's name as the agent called it (for the ledger and the approval code).</param>
internal sealed record HookToolCall(string Tool, JsonElement Input, string AgentTool);

/// <summary>An agent's hook event, read once and mapped onto what the engine judges.</summary>
internal sealed record HookEvent(HookEventKind Kind, string EventName)
{
    /// <summary>The tool calls to judge (one, or one per file for a patch that touches several).</summary>
    public IReadOnlyList<HookToolCall> Calls { get; init; } = [];

    public string? Cwd { get; init; }

    public string? Session { get; init; }

    /// <summary>The agent's permission mode (Claude Code and Codex), mapped onto an autonomy level.</summary>
    public string? PermissionMode { get; init; }

    /// <summary>For <see cref="HookEventKind.PostTool"/>: whether the tool failed, and its error text.</summary>
    public bool ToolFailed { get; init; }

    public string? ToolError { get; init; }

    /// <summary>For <see cref="HookEventKind.Stop"/>: the agent is already going on because a stop hook blocked once.</summary>
    public bool StopHookActive { get; init; }

    /// <summary>The agent cannot ask a person from this event: an escalation becomes a deny with an approval code.</summary>
    public bool CannotAsk { get; init; }
}

/// <summary>The hook input cannot be read as the agent's event: the adapter names the problem, the runner denies.</summary>
internal sealed class HookInputException(string message) : Exception(message);
