using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// Gemini CLI (docs/hooks/reference.md; packages/core/src/hooks/types.ts, scheduler/hook-utils.ts). BeforeTool takes a
/// top-level <c>decision</c>: <c>"allow"</c>, <c>"ask"</c> (forces the confirmation prompt) or <c>"deny"</c> with a
/// <c>reason</c> the model sees; exit code 2 blocks with stderr as the reason. AfterTool with <c>continue: false</c>
/// stops the agent loop; AfterAgent with <c>decision: "deny"</c> rejects the final answer and sends the reason back
/// as the next prompt (the stop gate). Tools are mapped onto Claude Code's names so the policy's tool lists apply.
/// </summary>
internal sealed class GeminiAdapter : HookAdapter
{
    public override string Name => "gemini";

    public override string DisplayName => "Gemini CLI";

    public override HookCapabilities Capabilities { get; } = new(Ask: true, ModifyInput: true, BlockAtStop: true, FailClosedSetting: null);

    public override HookEvent Parse(JsonElement root)
    {
        var eventName = RequireText(root, "hook_event_name");
        var e = new HookEvent(eventName switch
        {
            "BeforeTool" => HookEventKind.PreTool,
            "AfterTool" => HookEventKind.PostTool,
            "AfterAgent" => HookEventKind.Stop,
            _ => HookEventKind.Other,
        }, eventName)
        {
            Cwd = Text(root, "cwd"),
            Session = Text(root, "session_id"),
            StopHookActive = IsTrue(root, "stop_hook_active"),
        };
        switch (e.Kind)
        {
            case HookEventKind.PreTool:
                return e with { Calls = [Call(RequireText(root, "tool_name"), Property(root, "tool_input"), Property(root, "mcp_context"))] };
            case HookEventKind.PostTool:
                // tool_response: { llmContent, returnDisplay, error? }; an error object or message marks a failure.
                var error = Property(Property(root, "tool_response"), "error");
                var failed = error.ValueKind is JsonValueKind.Object or JsonValueKind.String;
                return e with { ToolFailed = failed, ToolError = failed ? (error.ValueKind == JsonValueKind.String ? error.GetString() : Text(error, "message")) : null };
            default:
                return e;
        }
    }

    /// <summary>Gemini's built-in tools (packages/core/src/tools/definitions/base-declarations.ts) in Claude Code's names.</summary>
    private static HookToolCall Call(string tool, JsonElement input, JsonElement mcp)
    {
        var file = Text(input, "file_path");
        var dir = Text(input, "dir_path");
        return tool switch
        {
            "run_shell_command" => new("Bash", Object(("command", Text(input, "command"))), tool),
            "write_file" => new("Write", Object(("file_path", file)), tool),
            "replace" => new("Edit", Object(("file_path", file)), tool),
            "read_file" => new("Read", Object(("file_path", file)), tool),
            "read_many_files" => new("Glob", Object(("path", dir)), tool),
            "glob" => new("Glob", Object(("path", dir)), tool),
            "grep_search" => new("Grep", Object(("path", dir)), tool),
            "list_directory" => new("LS", Object(("path", dir)), tool),
            "web_fetch" => new("WebFetch", input, tool),
            "google_web_search" => new("WebSearch", input, tool),
            "write_todos" => new("TodoWrite", input, tool),
            _ when Text(mcp, "server_name") is { Length: > 0 } server => new($"mcp__{server}__{Text(mcp, "tool_name") ?? tool}", input, tool),
            _ => new(tool, input, tool),
        };
    }

    public override HookReply Tool(HookEvent e, Verdict verdict, string reason) => verdict switch
    {
        Verdict.Allow => new(Json(w => w.WriteString("decision", "allow")), "", 0, verdict, null),
        Verdict.Escalate => new(Json(w => { w.WriteString("decision", "ask"); w.WriteString("reason", reason); }), "", 0, verdict, null),
        _ => Failure(reason),
    };

    public override HookReply After(HookEvent e, string? stopReason) => stopReason is null ? Nothing
        : new(Json(w => { w.WriteBoolean("continue", false); w.WriteString("stopReason", stopReason); }), "", 0, Verdict.Escalate, null);

    public override HookReply Stop(HookEvent e, string? blockReason) => blockReason is null ? Nothing
        : new(Json(w => { w.WriteString("decision", "deny"); w.WriteString("reason", blockReason); }), "", 0, Verdict.Deny, null);

    /// <summary>The deny JSON, and exit 2 with the reason on stderr (Gemini's "system block").</summary>
    public override HookReply Failure(string reason) =>
        new(Json(w => { w.WriteString("decision", "deny"); w.WriteString("reason", reason); }), reason, ClaudeCodeHook.BlockingExitCode, Verdict.Deny, null);

    public override string ShellEvent(string command, string cwd) => Json(w =>
    {
        w.WriteString("session_id", "autopilot-doctor");
        w.WriteString("cwd", cwd);
        w.WriteString("hook_event_name", "BeforeTool");
        w.WriteString("timestamp", "2026-01-01T00:00:00Z");
        w.WriteString("tool_name", "run_shell_command");
        w.WriteStartObject("tool_input");
        w.WriteString("command", command);
        w.WriteEndObject();
    });
}
