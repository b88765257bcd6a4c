using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// Claude Code (code.claude.com/docs/en/hooks). PreToolUse: <c>hookSpecificOutput.permissionDecision</c>
/// allow/ask/deny with a reason; a deny also exits 2 with the reason on stderr. PermissionRequest:
/// <c>hookSpecificOutput.decision.behavior</c> allow/deny (an escalation answers nothing, so the dialog shows).
/// PostToolUse, Stop and SubagentStop: <c>{"decision":"block","reason":...}</c>.
/// </summary>
internal sealed class ClaudeCodeAdapter : HookAdapter
{
    public override string Name => "claude-code";

    public override string DisplayName => "Claude Code";

    public override HookCapabilities Capabilities { get; } = new(Ask: true, ModifyInput: true, BlockAtStop: true, FailClosedSetting: null);

    public override HookEvent Parse(JsonElement root) => ParseClaudeShape(root, codex: false);

    /// <summary>Claude Code's event shape, which Codex shares field for field (Codex adds turn_id and model).</summary>
    internal static HookEvent ParseClaudeShape(JsonElement root, bool codex)
    {
        var eventName = Text(root, "hook_event_name") ?? "PreToolUse";
        var kind = eventName switch
        {
            "PreToolUse" => HookEventKind.PreTool,
            "PermissionRequest" => HookEventKind.PermissionRequest,
            "PostToolUse" => HookEventKind.PostTool,
            "Stop" or "SubagentStop" => HookEventKind.Stop,
            _ => HookEventKind.Other,
        };
        var e = new HookEvent(kind, eventName)
        {
            Cwd = Text(root, "cwd"),
            Session = Text(root, "session_id"),
            PermissionMode = Text(root, "permission_mode"),
            StopHookActive = IsTrue(root, "stop_hook_active"),
            CannotAsk = codex,
        };
        if (kind is HookEventKind.PreTool or HookEventKind.PermissionRequest)
        {
            var tool = RequireText(root, "tool_name");
            var input = Property(root, "tool_input");
            return e with { Calls = codex && tool == "apply_patch" ? CodexAdapter.PatchCalls(input) : [new HookToolCall(tool, input, tool)] };
        }

        if (kind == HookEventKind.PostTool)
        {
            var (failed, error) = Outcome(Property(root, "tool_response"));
            return e with { ToolFailed = failed, ToolError = error };
        }

        return e;
    }

    public override HookReply Tool(HookEvent e, Verdict verdict, string reason) => ClaudeCodeHook.Reply(verdict, reason, null);

    public override HookReply Permission(HookEvent e, Verdict verdict, string reason) => PermissionDecision(verdict, reason);

    /// <summary>The PermissionRequest answer Claude Code and Codex share; an escalation leaves the decision to the person at the dialog.</summary>
    internal static HookReply PermissionDecision(Verdict verdict, string reason)
    {
        if (verdict == Verdict.Escalate)
        {
            return Nothing with { Verdict = verdict };
        }

        var json = Json(w =>
        {
            w.WriteStartObject("hookSpecificOutput");
            w.WriteString("hookEventName", "PermissionRequest");
            w.WriteStartObject("decision");
            w.WriteString("behavior", verdict == Verdict.Allow ? "allow" : "deny");
            if (verdict != Verdict.Allow)
            {
                w.WriteString("message", reason);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
        return new HookReply(json, "", 0, verdict, null);
    }

    public override HookReply After(HookEvent e, string? stopReason) => Block(stopReason, Verdict.Escalate);

    public override HookReply Stop(HookEvent e, string? blockReason) => Block(blockReason);

    public override HookReply Failure(string reason) => ClaudeCodeHook.Reply(Verdict.Deny, reason, null);

    public override string ShellEvent(string command, string cwd) => Json(w =>
    {
        w.WriteString("session_id", "autopilot-doctor");
        w.WriteString("cwd", cwd);
        w.WriteString("permission_mode", "default");
        w.WriteString("hook_event_name", "PreToolUse");
        w.WriteString("tool_name", "Bash");
        w.WriteStartObject("tool_input");
        w.WriteString("command", command);
        w.WriteEndObject();
    });
}
