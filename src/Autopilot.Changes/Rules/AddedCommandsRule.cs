using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Commands;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.Shell;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// added-commands: shell that a change adds to CI workflows (<c>run:</c> steps, GitLab <c>script:</c>), Dockerfiles
/// (<c>RUN</c>), Makefile recipes, <c>package.json</c> scripts and shell scripts (by extension or <c>#!</c> line),
/// here-documents included, is parsed and classified as the agent hook would classify it, and judged at the
/// rule's autonomy level (<c>level</c>, default: the policy's default level). A command the level would not
/// allow becomes a finding at the added line, with the classifier's reasons and the safer way; its severity is
/// the level's verdict, never above the rule's. Each script is classified whole (so that variables and
/// <c>cd</c> carry over), and a command is judged when one of its lines is added: only the commands of the
/// script that contain an added line are reported. Shell that cannot be read fails closed (the classifier denies
/// it); a file that cannot be read escalates; a step run by another shell is named in an info finding.
/// </summary>
internal sealed class AddedCommandsRule : DiffRule
{
    /// <summary>Largest file read for commands; a larger one is reported, not judged.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    private readonly PolicyEngine _engine;
    private readonly string _level;
    private readonly GlobSet _paths;

    public AddedCommandsRule(DiffRuleDef def, PolicyEngine? engine)
        : base(def)
    {
        _engine = engine ?? throw new FormatException("it needs the policy's action classifier: build the diff rules with the policy engine");
        var plan = engine.Plan;
        _level = def.Level ?? plan.AutonomyLevels[plan.DefaultAutonomyLevel];
        if (plan.IndexOfAutonomyLevel(_level) < 0)
        {
            throw new FormatException($"'level' '{_level}' is not an autonomy level of this policy ({string.Join(", ", plan.AutonomyLevels)})");
        }

        _paths = GlobSet.Create(def.Paths);
    }

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        foreach (var file in context.Changes.Files)
        {
            if (file.NewPath is not { } path || file.Kind == ChangeKind.Deleted || file.IsBinary || file.IsSubmodule || file.AddedCount == 0
                || Exclude.IsMatchUnderRoot(path) || (!_paths.IsEmpty && !_paths.IsMatchUnderRoot(path)))
            {
                continue;
            }

            var kind = CommandFiles.KindOf(path);
            var added = AddedLinesOf(file);
            if (kind == CommandFileKind.None && !HasShebang(file))
            {
                continue;
            }

            var content = file.ReadNew(MaxFileBytes);
            if (content is null || content.IsTruncated)
            {
                findings.Add(Report(
                    content is null
                        ? $"{path}: its new text is not available ({context.Changes.Description}), so the commands it adds were not judged; judge the change from git to see them"
                        : $"{path} is over {MaxFileBytes / 1024} KiB, so the commands it adds were not judged: review them by hand",
                    At(file), Min(Severity.Warning)));
                continue;
            }

            if (kind == CommandFileKind.None)
            {
                kind = CommandFileKind.ShellScript;
            }

            var own = new List<Finding>();
            try
            {
                JudgeFile(path, kind, content.Bytes, added, context.RepositoryRoot, own);
            }
            catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or NullReferenceException or OverflowException)
            {
                // A reader's bug must not let the commands through unseen.
                own.Add(Report($"the commands {path} adds could not be read ({ex.GetType().Name}: {ex.Message}), so they were not judged and the change is not allowed as is", At(file), Min(Severity.Deny)));
            }

            findings.AddRange(own.OrderBy(f => f.Location!.Line).ThenBy(f => f.Location!.Column));
        }
    }

    /// <summary>The notes and the judged commands of one file.</summary>
    private void JudgeFile(string path, CommandFileKind kind, byte[] content, AddedLines added, string root, List<Finding> own)
    {
        var extracted = CommandFiles.Extract(kind, path, content);
        foreach (var note in extracted.Notes)
        {
            own.Add(Report(note.Message, new SourceLocation(path, note.Line, note.Column), note.Unreadable ? Min(Severity.Escalate) : Severity.Info));
        }

        foreach (var script in extracted.Scripts)
        {
            if (script.Lines.Any(added.Contains))
            {
                Judge(script, added, root, own);
            }
        }
    }

    private void Judge(ShellScript script, AddedLines added, string root, List<Finding> findings)
    {
        var context = script.Host == ScriptHost.Container
            ? new ActionContext("/", "/root") { WorkingDirectory = script.WorkingDirectory ?? "/", ResolveSymlinks = false }
            : ActionContext.ForCurrentUser(root) with
            {
                WorkingDirectory = script.WorkingDirectory is null ? null : Path.GetFullPath(Path.Combine(root, script.WorkingDirectory)),
                ResolveSymlinks = false,
            };
        var actions = _engine.Actions;
        var judged = actions.ApplyPredicates(actions.Classifier.ClassifyCommand(script.Text, context, script.HostVariables), _level, context, script.Text);
        var parse = judged.Parse!;
        if (parse.Tree is null)
        {
            // Nothing of the script could be read: its added lines are unknown shell, which no level may run.
            var error = parse.Errors[0];
            var (errorLine, errorColumn) = script.At(error.Offset);
            var at = added.Contains(errorLine) ? new SourceLocation(script.Path, errorLine, errorColumn) : FirstAdded(script, added, 0, script.Text.Length);
            Add(script, judged, context, $"the shell of {script.Site} cannot be read ({error.Message}, at line {errorLine} column {errorColumn})", at, findings);
            return;
        }

        foreach (var unit in CommandUnit.Of(parse.Tree))
        {
            if (!unit.Offsets().Any(o => added.Contains(script.Lines[o])))
            {
                continue;
            }

            var unitErrors = parse.Errors.Any(e => unit.Contains(e.Offset));
            var matches = judged.Matches
                .Where(m => m.Invocation is { } inv ? unit.Contains(inv.Span.Start) : unitErrors && m.RuleId == ActionRuleIds.ParseError)
                .ToList();
            var plan = _engine.Plan;
            var unknown = unitErrors || matches.Any(m => m.RuleId is ActionRuleIds.ParseError or ActionRuleIds.DynamicProgram);
            var risk = Math.Max(Math.Max(0, plan.DefaultRisk), unknown ? plan.UnknownRisk : 0);
            foreach (var match in matches)
            {
                risk = Math.Max(risk, match.RiskIndex);
            }

            var part = judged with
            {
                RiskIndex = risk,
                Risk = plan.RiskLevels[risk],
                Matches = matches,
                IsUnknown = unknown,
                Effects = [.. judged.Effects.Where(e => e.Invocation is { } inv && unit.Contains(inv.Span.Start))],
            };
            var text = Shorten(script.Text[unit.Span.Start..unit.Span.End]);
            var worst = matches.FirstOrDefault(m => m.RiskIndex == risk && m.Invocation is not null)?.Invocation;
            var line = worst is null ? 0 : script.At(worst.Span.Start).Line;
            var location = FirstAdded(script, unit, added.Contains(line) ? l => l == line : added.Contains);
            Add(script, part, context, $"{script.Site} runs '{text}'", location, findings);
        }
    }

    private void Add(ShellScript script, ActionClassification classification, ActionContext context, string what, SourceLocation location, List<Finding> findings)
    {
        var decision = _engine.Actions.Decide("gate", classification, _level, context, script.Text);
        if (decision.Verdict == Verdict.Allow)
        {
            return;
        }

        var deciding = classification.Matches.Where(m => m.RiskIndex == classification.RiskIndex || m.FixedVerdict is not null).ToList();
        var reasons = deciding.Count == 0 ? "" : ": " + string.Join("; ", deciding.Select(m => $"{m.RuleId} — {m.Reason}").Distinct(StringComparer.Ordinal));
        var decided = deciding.Select(m => m.RuleId).ToHashSet(StringComparer.Ordinal);
        var verb = decision.Verdict == Verdict.Deny ? "denied" : "escalated";
        findings.Add(Report(
            $"{what}, which an agent at level '{_level}' would be {verb} (risk {classification.Risk}){reasons}. {CommandExplanation.Instead(CommandExplanation.AlternativesOf(classification, decided), decision.Verdict)}",
            location,
            Min(decision.Verdict.ToSeverity())));
    }

    private Severity Min(Severity severity) => severity < Def.Severity ? severity : Def.Severity;

    /// <summary>Where the unit's text starts on the first line <paramref name="wanted"/> takes (the line of its riskiest command, or its first added line).</summary>
    private static SourceLocation FirstAdded(ShellScript script, CommandUnit unit, Predicate<int> wanted)
    {
        foreach (var offset in unit.Offsets())
        {
            if (wanted(script.Lines[offset]) && !char.IsWhiteSpace(script.Text[offset]))
            {
                return new SourceLocation(script.Path, script.Lines[offset], script.Columns[offset]);
            }
        }

        var (line, column) = script.At(unit.Span.Start);
        return new SourceLocation(script.Path, line, column);
    }

    private static SourceLocation FirstAdded(ShellScript script, AddedLines added, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (added.Contains(script.Lines[i]) && !char.IsWhiteSpace(script.Text[i]))
            {
                return new SourceLocation(script.Path, script.Lines[i], script.Columns[i]);
            }
        }

        var (line, column) = script.At(start);
        return new SourceLocation(script.Path, line, column);
    }

    /// <summary>New-side line numbers of the added lines; every line when the reader did not keep them all.</summary>
    private static AddedLines AddedLinesOf(FileChange file) =>
        new(file.LinesTruncated, file.LinesTruncated ? [] : [.. file.AddedLines.Select(l => l.NewLine)]);

    /// <summary>A file whose first line is a shell's <c>#!</c> though that line was not added (an edit further down).</summary>
    private static bool HasShebang(FileChange file)
    {
        foreach (var hunk in file.Hunks)
        {
            foreach (var line in hunk.Lines)
            {
                if (line.NewLine == 1 && line.Kind != DiffLineKind.Removed)
                {
                    return CommandFiles.IsShellShebang(line.Text);
                }
            }
        }

        if (file.NewMode.IsExecutable && file.ReadNew(256) is { } head)
        {
            var text = head.Text;
            var end = text.IndexOf('\n');
            return CommandFiles.IsShellShebang(end < 0 ? text : text[..end]);
        }

        return false;
    }

    private static string Shorten(string text)
    {
        var oneLine = string.Join(' ', text.Replace("\\\n", " ", StringComparison.Ordinal).Split(['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= 100 ? oneLine : oneLine[..97] + "...";
    }
}

/// <summary>The lines a file's change added (all of them when the diff reader did not keep every line).</summary>
internal sealed record AddedLines(bool All, HashSet<int> Lines)
{
    public bool Contains(int line) => All || Lines.Contains(line);
}
