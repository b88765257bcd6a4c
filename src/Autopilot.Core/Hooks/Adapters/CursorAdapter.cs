using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// Cursor (cursor.com/docs/agent/hooks; <c>.cursor/hooks.json</c>, version 1). beforeShellExecution
/// (<c>command</c>, <c>cwd</c>) and beforeMCPExecution (<c>tool_name</c>, <c>tool_input</c>) answer
/// <c>{"permission":"allow"|"ask"|"deny","user_message":...,"agent_message":...}</c>; beforeReadFile
/// (<c>file_path</c>) answers allow or deny only, so an escalation there becomes a deny with an approval code.
/// stop cannot refuse to finish, but a <c>followup_message</c> sends the agent back to work (the stop gate).
/// Every event carries <c>workspace_roots</c>, the cwd when the event has none.
/// </summary>
internal sealed class CursorAdapter : HookAdapter
{
    public override string Name => "cursor";

    public override string DisplayName => "Cursor";

    public override HookCapabilities Capabilities { get; } = new(Ask: true, ModifyInput: false, BlockAtStop: true, FailClosedSetting: null);

    public override HookEvent Parse(JsonElement root)
    {
        var eventName = RequireText(root, "hook_event_name");
        var roots = Property(root, "workspace_roots");
        var workspace = roots.ValueKind == JsonValueKind.Array && roots.GetArrayLength() > 0 && roots[0].ValueKind == JsonValueKind.String ? roots[0].GetString() : null;
        var e = new HookEvent(HookEventKind.PreTool, eventName)
        {
            Cwd = Text(root, "cwd") ?? workspace,
            Session = Text(root, "conversation_id"),
        };
        switch (eventName)
        {
            case "beforeShellExecution":
                return e with { Calls = [new("Bash", Object(("command", RequireText(root, "command"))), eventName)] };
            case "beforeMCPExecution":
                var tool = RequireText(root, "tool_name");
                var input = Property(root, "tool_input");
                if (input.ValueKind == JsonValueKind.String)
                {
                    // Cursor sends the MCP arguments as a JSON string.
                    using var doc = JsonDocument.Parse(input.GetString()!);
                    input = doc.RootElement.Clone();
                }

                // Cursor names the MCP server by its URL or command, not by a name: "cursor" stands in for it, so mcp__* patterns apply.
                return e with { Calls = [new($"mcp__cursor__{tool}", input, tool)] };
            case "beforeReadFile":
                return e with { Calls = [new("Read", Object(("file_path", RequireText(root, "file_path"))), eventName)], CannotAsk = true };
            case "stop":
                return e with { Kind = HookEventKind.Stop };
            default:
                return e with { Kind = HookEventKind.Other };
        }
    }

    public override HookReply Tool(HookEvent e, Verdict verdict, string reason) => verdict switch
    {
        Verdict.Allow => new(Json(w => w.WriteString("permission", "allow")), "", 0, verdict, null),
        Verdict.Escalate => Permission("ask", reason, verdict),
        _ => Failure(reason),
    };

    private static HookReply Permission(string permission, string reason, Verdict verdict) => new(Json(w =>
    {
        w.WriteString("permission", permission);
        w.WriteString("user_message", reason);
        w.WriteString("agent_message", reason);
    }), verdict == Verdict.Deny ? reason : "", 0, verdict, null);

    /// <summary>Cursor's after-hooks are fire-and-forget: the signals are recorded, nothing can be answered.</summary>
    public override HookReply After(HookEvent e, string? stopReason) => Nothing;

    public override HookReply Stop(HookEvent e, string? blockReason) => blockReason is null ? Nothing
        : new(Json(w => w.WriteString("followup_message", blockReason)), "", 0, Verdict.Deny, null);

    /// <summary>A deny in JSON with exit code 0: Cursor reads the permission from stdout.</summary>
    public override HookReply Failure(string reason) => Permission("deny", reason, Verdict.Deny);

    public override string ShellEvent(string command, string cwd) => Json(w =>
    {
        w.WriteString("conversation_id", "autopilot-doctor");
        w.WriteString("generation_id", "doctor");
        w.WriteString("hook_event_name", "beforeShellExecution");
        w.WriteStartArray("workspace_roots");
        w.WriteStringValue(cwd);
        w.WriteEndArray();
        w.WriteString("command", command);
        w.WriteString("cwd", cwd);
    });
}
