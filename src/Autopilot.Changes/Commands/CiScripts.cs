using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Changes.Commands;

/// <summary>
/// The shell of CI definitions: GitHub Actions workflows (<c>jobs.*.steps[*].run</c>) and composite actions
/// (<c>runs.steps[*].run</c>), and GitLab CI jobs (<c>script</c>, <c>before_script</c>, <c>after_script</c>).
/// A step whose shell is not a POSIX shell (<c>pwsh</c>, <c>python</c>, <c>cmd</c>, the default on Windows
/// runners) is not judged, and a note says so.
/// </summary>
internal static class CiScripts
{
    private static readonly string[] s_gitlabScriptKeys = ["before_script", "script", "after_script"];

    /// <summary>
    /// The files a GitHub runner hands every step (<c>echo "x=1" &gt;&gt; "$GITHUB_OUTPUT"</c>): they live in the
    /// runner's temporary folder, so writing them is writing a temporary file.
    /// </summary>
    private static readonly Dictionary<string, string> s_runnerFiles = new(StringComparer.Ordinal)
    {
        ["GITHUB_OUTPUT"] = "/tmp/_runner_file_commands/output",
        ["GITHUB_ENV"] = "/tmp/_runner_file_commands/env",
        ["GITHUB_PATH"] = "/tmp/_runner_file_commands/path",
        ["GITHUB_STATE"] = "/tmp/_runner_file_commands/state",
        ["GITHUB_STEP_SUMMARY"] = "/tmp/_runner_file_commands/step_summary",
        ["RUNNER_TEMP"] = "/tmp/_runner_temp",
    };

    /// <summary>Most YAML nodes one file may hold, aliases counted each time they are walked.</summary>
    private const int MaxNodes = 200_000;

    public static ExtractedScripts GitHub(string path, string text, bool composite)
    {
        if (Load(path, text, out var unreadable) is not { } root)
        {
            return unreadable;
        }

        var lines = SplitLines(text);
        var scripts = new List<ShellScript>();
        var notes = new List<ScriptNote>();
        if (composite)
        {
            if (Get(root, "runs") is YamlMappingNode runs && Get(runs, "steps") is YamlSequenceNode steps)
            {
                Steps(path, lines, steps, job: null, jobDefaults: null, workflowDefaults: null, windows: false, scripts, notes);
            }

            return new ExtractedScripts(scripts, notes);
        }

        var workflowDefaults = RunDefaults(root);
        if (Get(root, "jobs") is YamlMappingNode jobs)
        {
            foreach (var (key, value) in jobs.Children)
            {
                if (value is YamlMappingNode job && Get(job, "steps") is YamlSequenceNode steps)
                {
                    Steps(path, lines, steps, Scalar(key) ?? "?", RunDefaults(job), workflowDefaults, IsWindows(Get(job, "runs-on")), scripts, notes);
                }
            }
        }

        return new ExtractedScripts(scripts, notes);
    }

    public static ExtractedScripts GitLab(string path, string text)
    {
        if (Load(path, text, out var unreadable) is not { } root)
        {
            return unreadable;
        }

        var lines = SplitLines(text);
        var scripts = new List<ShellScript>();
        var budget = MaxNodes;
        foreach (var (key, value) in root.Children)
        {
            var name = Scalar(key) ?? "?";
            if (s_gitlabScriptKeys.Contains(name))
            {
                // Old-style global before_script/after_script.
                AddGitLab(path, lines, value, $"global {name}", scripts, ref budget);
            }
            else if (value is YamlMappingNode job)
            {
                foreach (var scriptKey in s_gitlabScriptKeys)
                {
                    if (Get(job, scriptKey) is { } script)
                    {
                        AddGitLab(path, lines, script, $"{scriptKey} of job '{name}'", scripts, ref budget);
                    }
                }
            }
        }

        return new ExtractedScripts(scripts, []);
    }

    private static void Steps(string path, string[] lines, YamlSequenceNode steps, string? job, string?[]? jobDefaults, string?[]? workflowDefaults, bool windows, List<ShellScript> scripts, List<ScriptNote> notes)
    {
        var index = 0;
        foreach (var item in steps.Children)
        {
            index++;
            if (item is not YamlMappingNode step || Get(step, "run") is not YamlScalarNode run)
            {
                continue;
            }

            var name = Scalar(Get(step, "name")) ?? Scalar(Get(step, "id")) ?? $"#{index}";
            var site = job is null ? $"step '{name}'" : $"step '{name}' of job '{job}'";
            var shell = Scalar(Get(step, "shell")) ?? jobDefaults?[0] ?? workflowDefaults?[0];
            var workingDirectory = Scalar(Get(step, "working-directory")) ?? jobDefaults?[1] ?? workflowDefaults?[1];
            var program = shell is null ? (windows ? "pwsh" : "bash") : ShellProgram(shell);
            if (!CommandFiles.IsPosixShell(program))
            {
                notes.Add(new ScriptNote(path, (int)run.Start.Line, (int)run.Start.Column,
                    $"{site} runs under '{shell ?? "pwsh (the default on Windows runners)"}', not a POSIX shell, so its commands were not judged", Unreadable: false));
                continue;
            }

            var builder = new ShellScriptBuilder();
            YamlScalarText.Append(builder, run, lines, githubExpressions: true);
            scripts.Add(builder.Build(path, site, ScriptHost.Checkout, StaticFolder(workingDirectory)) with { HostVariables = s_runnerFiles });
        }
    }

    /// <summary>A job's or workflow's <c>defaults.run</c>: [shell, working-directory].</summary>
    private static string?[]? RunDefaults(YamlMappingNode owner) =>
        Get(owner, "defaults") is YamlMappingNode defaults && Get(defaults, "run") is YamlMappingNode run
            ? [Scalar(Get(run, "shell")), Scalar(Get(run, "working-directory"))]
            : null;

    private static bool IsWindows(YamlNode? runsOn) => runsOn switch
    {
        YamlScalarNode s => s.Value?.Contains("windows", StringComparison.OrdinalIgnoreCase) == true,
        YamlSequenceNode seq => seq.Children.Any(IsWindows),
        _ => false,
    };

    /// <summary>The program of a <c>shell:</c> value: <c>bash -e {0}</c> → bash; <c>/usr/bin/env sh</c> → sh.</summary>
    internal static string ShellProgram(string shell)
    {
        var words = shell.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var i = words.Length > 1 && Path.GetFileName(words[0]) == "env" ? 1 : 0;
        return words.Length == 0 ? "" : Path.GetFileName(words[i]);
    }

    private static void AddGitLab(string path, string[] lines, YamlNode node, string site, List<ShellScript> scripts, ref int budget)
    {
        // GitLab runs a job's script lines one after another in one shell: one script, so later lines see earlier ones.
        var builder = new ShellScriptBuilder();
        AppendItems(builder, node, lines, ref budget);
        if (builder.Length > 0)
        {
            scripts.Add(builder.Build(path, site));
        }
    }

    private static void AppendItems(ShellScriptBuilder builder, YamlNode node, string[] lines, ref int budget)
    {
        if (--budget < 0)
        {
            return;
        }

        if (node is YamlScalarNode scalar)
        {
            if (builder.Length > 0)
            {
                builder.AppendAt("\n", (int)scalar.Start.Line, (int)scalar.Start.Column);
            }

            YamlScalarText.Append(builder, scalar, lines, githubExpressions: false);
        }
        else if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children)
            {
                AppendItems(builder, item, lines, ref budget);
            }
        }
    }

    /// <summary>The first document's root mapping (an empty one for other roots); null, with a note, when the text is not YAML.</summary>
    private static YamlMappingNode? Load(string path, string text, out ExtractedScripts unreadable)
    {
        unreadable = ExtractedScripts.None;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws the latter on some malformed input, without a position.
            var (line, column) = ex is YamlException y ? ((int)y.Start.Line, (int)y.Start.Column) : (1, 1);
            var note = new ScriptNote(path, Math.Max(1, line), Math.Max(1, column),
                $"it is not valid YAML ({ex.Message}), so the commands it adds cannot be judged", Unreadable: true);
            unreadable = new ExtractedScripts([], [note]);
            return null;
        }

        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root ? root : new YamlMappingNode();
    }

    private static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node) => node is YamlScalarNode s && !string.IsNullOrEmpty(s.Value) ? s.Value : null;

    /// <summary>A working directory written without expressions or variables, relative to the checkout; null otherwise.</summary>
    private static string? StaticFolder(string? folder) =>
        folder is null || folder.Contains('$') || folder.StartsWith('/') ? null : folder;

    internal static string[] SplitLines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
}
