using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Hooks;

/// <summary>
/// GitHub Copilot CLI (docs.github.com/en/copilot/reference/hooks-configuration; <c>.github/hooks/*.json</c>).
/// preToolUse gets <c>timestamp</c>, <c>cwd</c>, <c>toolName</c> (<c>bash</c>, <c>edit</c>, <c>view</c>,
/// <c>create</c>...) and <c>toolArgs</c>, a JSON <em>string</em>; of its <c>permissionDecision</c> only
/// <c>"deny"</c> is processed, so allow is no output and an escalation becomes a deny with an approval code.
/// postToolUse's output is ignored (its <c>toolResult.resultType</c> still feeds the run signals); there is no
/// stop hook that can refuse. The events carry no event name: <c>toolResult</c> marks a postToolUse.
/// </summary>
internal sealed class CopilotAdapter : HookAdapter
{
    public override string Name => "copilot";

    public override string DisplayName => "GitHub Copilot CLI";

    public override HookCapabilities Capabilities { get; } = new(Ask: false, ModifyInput: false, BlockAtStop: false, FailClosedSetting: null);

    public override HookEvent Parse(JsonElement root)
    {
        if (root.TryGetProperty("toolResult", out var result))
        {
            var failed = Text(result, "resultType") == "failure";
            return new HookEvent(HookEventKind.PostTool, "postToolUse")
            {
                Cwd = Text(root, "cwd"),
                ToolFailed = failed,
                ToolError = failed ? Text(result, "textResultForLlm") : null,
            };
        }

        if (!root.TryGetProperty("toolName", out _))
        {
            return new HookEvent(HookEventKind.Other, "other");
        }

        var tool = RequireText(root, "toolName");
        var args = Property(root, "toolArgs");
        if (args.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var doc = JsonDocument.Parse(args.GetString()!);
                args = doc.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new HookInputException($"toolArgs is not JSON ({ex.Message})");
            }
        }

        var path = Text(args, "path");
        HookToolCall call = tool switch
        {
            "bash" or "shell" => new("Bash", Object(("command", Text(args, "command"))), tool),
            "edit" => new("Edit", Object(("file_path", path)), tool),
            "create" => new("Write", Object(("file_path", path)), tool),
            "view" => new("Read", Object(("file_path", path)), tool),
            _ => new(tool, args, tool),
        };
        return new HookEvent(HookEventKind.PreTool, "preToolUse") { Cwd = Text(root, "cwd"), Calls = [call], CannotAsk = true };
    }

    public override HookReply Tool(HookEvent e, Verdict verdict, string reason) =>
        verdict == Verdict.Allow ? Nothing with { Verdict = verdict } : Failure(reason);

    public override HookReply After(HookEvent e, string? stopReason) => Nothing with { Stderr = stopReason ?? "" };

    public override HookReply Stop(HookEvent e, string? blockReason) => Nothing;

    /// <summary>The deny JSON with exit code 0 (the reason on stderr too): Copilot reads the decision from stdout.</summary>
    public override HookReply Failure(string reason) => new(Json(w =>
    {
        w.WriteString("permissionDecision", "deny");
        w.WriteString("permissionDecisionReason", reason);
    }), reason, 0, Verdict.Deny, null);

    public override string ShellEvent(string command, string cwd) => Json(w =>
    {
        w.WriteNumber("timestamp", 1704614600000);
        w.WriteString("cwd", cwd);
        w.WriteString("toolName", "bash");
        w.WriteString("toolArgs", Json(a => a.WriteString("command", command)));
    });
}
