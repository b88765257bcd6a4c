using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// Codex CLI (codex-rs/hooks: schema.rs, engine/output_parser.rs, events/pre_tool_use.rs). Its PreToolUse rejects
/// <c>permissionDecision: "ask"</c>, a bare <c>"allow"</c> and any unknown field as a failed hook, and a failed hook
/// lets the tool run. So: allow is no output at all; deny (and an escalation, which becomes a deny carrying a one-time
/// approval code) is exit code 2 with the reason on stderr, the minimal reply Codex reads as a block. PermissionRequest
/// shares Claude Code's <c>decision.behavior</c>; PostToolUse and Stop take <c>{"decision":"block","reason":...}</c>.
/// </summary>
internal sealed class CodexAdapter : HookAdapter
{
    public override string Name => "codex";

    public override string DisplayName => "Codex CLI";

    public override HookCapabilities Capabilities { get; } = new(Ask: false, ModifyInput: true, BlockAtStop: true, FailClosedSetting: null);

    public override HookEvent Parse(JsonElement root) => ClaudeCodeAdapter.ParseClaudeShape(root, codex: true);

    /// <summary>
    /// Codex's <c>apply_patch</c> passes the patch as <c>tool_input.command</c>; every file it adds, updates, deletes
    /// or moves to is judged as a write (the patch format's <c>*** Add File:</c>, <c>*** Update File:</c>,
    /// <c>*** Delete File:</c> and <c>*** Move to:</c> headers).
    /// </summary>
    internal static IReadOnlyList<HookToolCall> PatchCalls(JsonElement input)
    {
        var patch = Text(input, "command") ?? throw new HookInputException("apply_patch tool_input has no command (the patch text)");
        var calls = new List<HookToolCall>();
        foreach (var raw in patch.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            foreach (var header in (ReadOnlySpan<string>)["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "])
            {
                if (line.StartsWith(header, StringComparison.Ordinal) && line.Length > header.Length)
                {
                    calls.Add(new HookToolCall("Write", Object(("file_path", line[header.Length..].Trim())), "apply_patch"));
                }
            }
        }

        return calls.Count > 0 ? calls : throw new HookInputException("apply_patch names no file (no '*** Add/Update/Delete File:' header)");
    }

    public override HookReply Tool(HookEvent e, Verdict verdict, string reason) =>
        verdict == Verdict.Allow ? Nothing with { Verdict = verdict } : Failure(reason) with { Verdict = verdict };

    public override HookReply Permission(HookEvent e, Verdict verdict, string reason) => ClaudeCodeAdapter.PermissionDecision(verdict, reason);

    public override HookReply After(HookEvent e, string? stopReason) => Block(stopReason, Verdict.Escalate);

    public override HookReply Stop(HookEvent e, string? blockReason) => Block(blockReason);

    /// <summary>Exit 2 with the reason on stderr and nothing on stdout: what Codex reads as a block on every event.</summary>
    public override HookReply Failure(string reason) => new("", reason, ClaudeCodeHook.BlockingExitCode, Verdict.Deny, null);

    public override string ShellEvent(string command, string cwd) => Json(w =>
    {
        w.WriteString("session_id", "autopilot-doctor");
        w.WriteString("turn_id", "doctor");
        w.WriteNull("transcript_path");
        w.WriteString("cwd", cwd);
        w.WriteString("hook_event_name", "PreToolUse");
        w.WriteString("model", "doctor");
        w.WriteString("permission_mode", "default");
        w.WriteString("tool_name", "Bash");
        w.WriteStartObject("tool_input");
        w.WriteString("command", command);
        w.WriteEndObject();
        w.WriteString("tool_use_id", "doctor");
    });
}
