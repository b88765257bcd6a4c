using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Hooks;

/// <summary>Where and how an agent's settings file holds its hooks.</summary>
internal enum WiringShape : byte
{
    /// <summary><c>hooks.&lt;Event&gt;: [{matcher?, hooks: [{type: "command", command, timeout}]}]</c>: Claude Code, Codex, Gemini CLI.</summary>
    MatcherGroups,

    /// <summary><c>{version: 1, hooks: {&lt;event&gt;: [{command}]}}</c>: Cursor.</summary>
    CursorFlat,

    /// <summary><c>{version: 1, hooks: {&lt;event&gt;: [{type: "command", bash, timeoutSec}]}}</c>: GitHub Copilot CLI.</summary>
    CopilotFlat,
}

/// <summary>One agent's hook wiring: the settings files, the events Autopilot answers, and the timeout's key and unit.</summary>
/// <param name="ProjectFile">Relative to the repository.</param>
/// <param name="UserFile">Relative to the home folder; null when the agent has no user-level hooks file.</param>
/// <param name="Events">Event name → matcher (null: the event takes none).</param>
/// <param name="TimeoutKey">The key of the timeout in a hook entry; null when the agent has none.</param>
/// <param name="TimeoutScale">Units per second of that timeout (1: seconds, 1000: milliseconds).</param>
/// <param name="DefaultTimeoutSeconds">The agent's timeout when the entry sets none.</param>
internal sealed record AgentWiring(
    string Agent, string ProjectFile, string? UserFile, WiringShape Shape, IReadOnlyList<(string Event, string? Matcher)> Events,
    string? TimeoutKey, int TimeoutScale, int? DefaultTimeoutSeconds)
{
    /// <summary>The timeout written on install: three times our own deadline.</summary>
    public const int InstallTimeoutSeconds = 30;

    /// <summary>Shorter than this, the agent may kill the hook before our own deadline answers (and most agents then run the tool).</summary>
    public static int MinimumTimeoutSeconds => (int)Math.Ceiling(HookSettings.DefaultDeadline.TotalSeconds) + 5;

    public static IReadOnlyList<AgentWiring> All { get; } =
    [
        // code.claude.com/docs/en/hooks: .claude/settings.json, ~/.claude/settings.json; timeout in seconds, 60 by default.
        new("claude-code", ".claude/settings.json", ".claude/settings.json", WiringShape.MatcherGroups,
            [("PreToolUse", "*"), ("PermissionRequest", "*"), ("PostToolUse", "*"), ("Stop", null), ("SubagentStop", null)], "timeout", 1, 60),
        // developers.openai.com/codex/hooks, codex-rs/config/src/hook_config.rs: .codex/hooks.json, ~/.codex/hooks.json; timeout in seconds, 600 by default.
        new("codex", ".codex/hooks.json", ".codex/hooks.json", WiringShape.MatcherGroups,
            [("PreToolUse", null), ("PermissionRequest", null), ("PostToolUse", null), ("Stop", null)], "timeout", 1, 600),
        // gemini-cli docs/hooks/reference.md: .gemini/settings.json, ~/.gemini/settings.json; timeout in milliseconds, 60000 by default.
        new("gemini", ".gemini/settings.json", ".gemini/settings.json", WiringShape.MatcherGroups,
            [("BeforeTool", ".*"), ("AfterTool", ".*"), ("AfterAgent", null)], "timeout", 1000, 60),
        // cursor.com/docs/agent/hooks: .cursor/hooks.json, ~/.cursor/hooks.json; no timeout setting documented.
        new("cursor", ".cursor/hooks.json", ".cursor/hooks.json", WiringShape.CursorFlat,
            [("beforeShellExecution", null), ("beforeMCPExecution", null), ("beforeReadFile", null), ("stop", null)], null, 1, null),
        // docs.github.com/en/copilot/reference/hooks-configuration: .github/hooks/*.json in the repository; timeoutSec, 30 by default.
        new("copilot", ".github/hooks/autopilot.json", null, WiringShape.CopilotFlat,
            [("preToolUse", null), ("postToolUse", null)], "timeoutSec", 1, 30),
    ];

    public static AgentWiring? For(string agent) => All.FirstOrDefault(w => w.Agent == agent);

    /// <summary>The settings file for a scope, or null when the agent has no file at that scope.</summary>
    public string? File(bool user, string repository, string home) =>
        user ? (UserFile is null ? null : Path.Combine(home, UserFile)) : Path.Combine(repository, ProjectFile);

    /// <summary>Whether the agent looks set up at that scope: its settings folder exists.</summary>
    public bool LooksConfigured(bool user, string repository, string home) =>
        File(user, repository, home) is { } file && Directory.Exists(Path.GetDirectoryName(file));
}

/// <summary>What <see cref="HookWiringFile.Install"/> did.</summary>
/// <param name="Changed">False when every hook was already there (nothing written).</param>
/// <param name="Backup">The copy of the file as it was, when an existing file was changed.</param>
internal sealed record InstallResult(string File, bool Changed, string? Backup, IReadOnlyList<string> Added);

/// <summary>One thing <c>doctor</c> found; <see cref="Error"/> ones make it fail. <see cref="Missing"/>: a hook (or the file) is not there.</summary>
internal sealed record WiringFinding(bool Error, string Agent, string Message, bool Missing = false);

/// <summary>Reads, merges and checks an agent's settings file. Merging never drops what is there, and keeps a backup.</summary>
internal static class HookWiringFile
{
    /// <summary>Adds Autopilot's hook for every event the agent's wiring lists, keeping everything else; idempotent.</summary>
    /// <exception cref="FormatException">The file is not a JSON object (the message names the file, line and column).</exception>
    public static InstallResult Install(AgentWiring wiring, string file, string command)
    {
        var root = Read(file) ?? new JsonObject();
        var hooks = root["hooks"] as JsonObject;
        if (hooks is null)
        {
            if (root["hooks"] is not null)
            {
                throw new FormatException($"{file}: \"hooks\" is not an object; fix it by hand, Autopilot does not overwrite it");
            }

            hooks = new JsonObject();
            root["hooks"] = hooks;
        }

        if (wiring.Shape != WiringShape.MatcherGroups && root["version"] is null)
        {
            root["version"] = 1;
        }

        var hookCommand = $"{command} hook {wiring.Agent}";
        var added = new List<string>();
        foreach (var (name, matcher) in wiring.Events)
        {
            if (hooks[name] is not JsonArray entries)
            {
                if (hooks[name] is not null)
                {
                    throw new FormatException($"{file}: hooks.{name} is not an array; fix it by hand, Autopilot does not overwrite it");
                }

                entries = [];
                hooks[name] = entries;
            }

            if (Entries(wiring, entries).Any(e => IsOurs(wiring, e)))
            {
                continue;
            }

            entries.Add(NewEntry(wiring, hookCommand, matcher));
            added.Add(name);
        }

        if (added.Count == 0)
        {
            return new InstallResult(file, false, null, added);
        }

        string? backup = null;
        if (System.IO.File.Exists(file))
        {
            backup = $"{file}.autopilot-backup-{DateTime.UtcNow:yyyyMMddHHmmss}";
            System.IO.File.Copy(file, backup, overwrite: true);
        }

        DurableFile.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var text = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        DurableFile.WriteAtomic(file, Encoding.UTF8.GetBytes(text));
        return new InstallResult(file, true, backup, added);
    }

    /// <summary>The wiring's findings for one settings file: missing file or hooks, timeouts too short for our deadline.</summary>
    public static IReadOnlyList<WiringFinding> Check(AgentWiring wiring, string file)
    {
        var findings = new List<WiringFinding>();
        JsonObject? root;
        try
        {
            root = Read(file);
        }
        catch (FormatException ex)
        {
            return [new WiringFinding(true, wiring.Agent, ex.Message)];
        }

        if (root is null)
        {
            return [new WiringFinding(true, wiring.Agent, $"{file} does not exist: no Autopilot hook is wired; run `autopilot install {wiring.Agent}`", Missing: true)];
        }

        var hooks = root["hooks"] as JsonObject;
        foreach (var (name, _) in wiring.Events)
        {
            var ours = hooks?[name] is JsonArray entries ? Entries(wiring, entries).Where(e => IsOurs(wiring, e)).ToList() : [];
            if (ours.Count == 0)
            {
                findings.Add(new WiringFinding(true, wiring.Agent, $"{file}: no Autopilot hook for {name}; run `autopilot install {wiring.Agent}`", Missing: true));
                continue;
            }

            foreach (var entry in ours)
            {
                if (wiring.TimeoutKey is { } key && entry[key] is JsonValue value && value.TryGetValue<double>(out var timeout))
                {
                    var seconds = timeout / wiring.TimeoutScale;
                    if (seconds < AgentWiring.MinimumTimeoutSeconds)
                    {
                        findings.Add(new WiringFinding(true, wiring.Agent,
                            $"{file}: the {name} hook's {key} is {timeout} ({seconds:0.###} s), too short: Autopilot's own deadline is {HookSettings.DefaultDeadline.TotalSeconds:0} s, and an agent that kills a hook may run the tool; set it to at least {AgentWiring.MinimumTimeoutSeconds * wiring.TimeoutScale}"));
                    }
                }
            }
        }

        return findings;
    }

    /// <summary>The commands of Autopilot's hooks in the file (for doctor's PATH check).</summary>
    public static IReadOnlyList<string> Commands(AgentWiring wiring, string file)
    {
        try
        {
            var hooks = Read(file)?["hooks"] as JsonObject;
            return hooks is null ? []
                : wiring.Events.SelectMany(ev => hooks[ev.Event] is JsonArray a ? Entries(wiring, a) : []).Where(e => IsOurs(wiring, e))
                    .Select(e => CommandOf(wiring, e)).OfType<string>().Distinct().ToList();
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static JsonObject? Read(string file)
    {
        if (!System.IO.File.Exists(file))
        {
            return null;
        }

        try
        {
            var node = JsonNode.Parse(System.IO.File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return node as JsonObject ?? throw new FormatException($"{file}: the settings are not a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{file}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: not valid JSON ({ex.Message}); Autopilot does not overwrite it");
        }
    }

    /// <summary>The hook entries under an event: the handlers inside each matcher group, or the flat entries.</summary>
    private static IEnumerable<JsonObject> Entries(AgentWiring wiring, JsonArray entries)
    {
        foreach (var item in entries.OfType<JsonObject>())
        {
            if (wiring.Shape == WiringShape.MatcherGroups)
            {
                if (item["hooks"] is JsonArray handlers)
                {
                    foreach (var handler in handlers.OfType<JsonObject>())
                    {
                        yield return handler;
                    }
                }
            }
            else
            {
                yield return item;
            }
        }
    }

    private static string? CommandOf(AgentWiring wiring, JsonObject entry) =>
        (entry[wiring.Shape == WiringShape.CopilotFlat ? "bash" : "command"] as JsonValue)?.TryGetValue<string>(out var c) == true ? c : null;

    private static bool IsOurs(AgentWiring wiring, JsonObject entry) =>
        CommandOf(wiring, entry) is { } command && command.Contains($"hook {wiring.Agent}", StringComparison.Ordinal) && command.Contains("autopilot", StringComparison.OrdinalIgnoreCase);

    private static JsonObject NewEntry(AgentWiring wiring, string command, string? matcher)
    {
        var timeout = AgentWiring.InstallTimeoutSeconds * wiring.TimeoutScale;
        switch (wiring.Shape)
        {
            case WiringShape.CursorFlat:
                return new JsonObject { ["command"] = command };
            case WiringShape.CopilotFlat:
                return new JsonObject { ["type"] = "command", ["bash"] = command, ["timeoutSec"] = timeout };
            default:
                var handler = new JsonObject { ["type"] = "command", ["command"] = command, [wiring.TimeoutKey!] = timeout };
                if (wiring.Agent == "gemini")
                {
                    handler["name"] = "autopilot";
                }

                var group = new JsonObject();
                if (matcher is not null)
                {
                    group["matcher"] = matcher;
                }

                group["hooks"] = new JsonArray(handler);
                return group;
        }
    }
}
