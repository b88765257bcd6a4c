using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// max-files: at most Max files (those matching Paths when given, minus ExcludePaths). A work order's MaxFiles
/// can only lower the cap.
/// </summary>
internal sealed class MaxFilesRule : DiffRule
{
    private readonly GlobSet _paths;

    public MaxFilesRule(DiffRuleDef def)
        : base(def)
    {
        _paths = GlobSet.Create(def.Paths);
        if (def.Max is < 0)
        {
            throw new FormatException("'max' must not be negative");
        }
    }

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        var max = Caps.Tighter(Def.Max, context.Scope?.MaxFiles);
        if (max is null)
        {
            findings.Add(Report("no cap is set: give the rule 'max' or the work order a file cap", severity: Severity.Deny));
            return;
        }

        var count = context.Changes.Files.Count(f => (_paths.IsEmpty || _paths.IsMatchUnderRoot(f.Path)) && !Exclude.IsMatchUnderRoot(f.Path));
        if (count > max)
        {
            findings.Add(Report($"{count} files changed, over the cap of {max}{Caps.Source(Def.Max, context.Scope?.MaxFiles)}: split the change into smaller ones"));
        }
    }
}

/// <summary>
/// max-lines: added plus removed lines, at most Max over the change and at most MaxPerFile in any one file
/// (binary files count no lines). A work order's MaxLines/MaxLinesPerFile can only lower the caps.
/// </summary>
internal sealed class MaxLinesRule : DiffRule
{
    private readonly GlobSet _paths;

    public MaxLinesRule(DiffRuleDef def)
        : base(def)
    {
        _paths = GlobSet.Create(def.Paths);
        if (def.Max is < 0 || def.MaxPerFile is < 0)
        {
            throw new FormatException("'max' and 'maxPerFile' must not be negative");
        }
    }

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        var max = Caps.Tighter(Def.Max, context.Scope?.MaxLines);
        var maxPerFile = Caps.Tighter(Def.MaxPerFile, context.Scope?.MaxLinesPerFile);
        if (max is null && maxPerFile is null)
        {
            findings.Add(Report("no cap is set: give the rule 'max' or 'maxPerFile', or the work order a line cap", severity: Severity.Deny));
            return;
        }

        long total = 0;
        foreach (var file in context.Changes.Files)
        {
            if ((!_paths.IsEmpty && !_paths.IsMatchUnderRoot(file.Path)) || Exclude.IsMatchUnderRoot(file.Path))
            {
                continue;
            }

            var lines = (long)file.AddedCount + file.RemovedCount;
            total += lines;
            if (lines > maxPerFile)
            {
                findings.Add(Report(
                    $"'{file.Path}' changes {lines} lines (+{file.AddedCount} -{file.RemovedCount}), over the per-file cap of {maxPerFile}{Caps.Source(Def.MaxPerFile, context.Scope?.MaxLinesPerFile)}: split this file's change",
                    At(file)));
            }
        }

        if (total > max)
        {
            findings.Add(Report($"the change has {total} added and removed lines, over the cap of {max}{Caps.Source(Def.Max, context.Scope?.MaxLines)}: split it into smaller changes"));
        }
    }
}

internal static class Caps
{
    public static int? Tighter(int? policy, int? workOrder) =>
        (policy, workOrder) switch
        {
            (int p, int w) => Math.Min(p, w),
            (int p, null) => p,
            (null, int w) => w,
            _ => null,
        };

    public static string Source(int? policy, int? workOrder) =>
        workOrder is int w && (policy is null || w < policy) ? " set by the work order" : "";
}

/// <summary>
/// tests-required: when a file matching SourcePaths (and not TestPaths) is added, changed or moved, some file
/// matching TestPaths must be added or changed too. Deletions alone need no test, and neither do changes of comments
/// and whitespace only (C# files compared token by token, <c>#region</c> lines included; other files line by line
/// without whitespace): an info finding says which files were set aside so.
/// </summary>
internal sealed class TestsRequiredRule(DiffRuleDef def) : DiffRule(def)
{
    private readonly GlobSet _sources = Required(def.SourcePaths, "sourcePaths");
    private readonly GlobSet _tests = Required(def.TestPaths, "testPaths");

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        var sources = new List<FileChange>();
        foreach (var file in context.Changes.Files)
        {
            if (file.Kind == ChangeKind.Deleted || Exclude.IsMatchUnderRoot(file.Path))
            {
                continue;
            }

            if (_tests.IsMatchUnderRoot(file.Path))
            {
                return;   // a test changed: satisfied
            }

            if (_sources.IsMatchUnderRoot(file.Path))
            {
                sources.Add(file);
            }
        }

        var triviaOnly = sources.Where(TriviaOnly).ToList();
        var code = sources.Except(triviaOnly).ToList();
        if (code.Count > 0)
        {
            findings.Add(Report(
                $"source changed ({List(code.Select(f => f.Path))}) but no test did: add or update a test under {_tests}",
                At(code[0])));
        }
        else if (triviaOnly.Count > 0)
        {
            findings.Add(new Finding(Def.Id, Severity.Info, $"source changed only in comments or whitespace ({List(triviaOnly.Select(f => f.Path))}): no test is needed.", At(triviaOnly[0])));
        }
    }

    /// <summary>Whether the file's change is comments and whitespace only (a new, moved or unreadable file never is).</summary>
    internal static bool TriviaOnly(FileChange file)
    {
        if (file.Kind != ChangeKind.Modified || file.IsBinary || file.IsSubmodule || file.LinesTruncated || file.OldPath != file.NewPath)
        {
            return false;
        }

        if (file.Path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
        {
            var old = file.ReadOld();
            var @new = file.ReadNew();
            return old is { IsTruncated: false } && @new is { IsTruncated: false } && CSharp.CodeTokens.SameCode(old.Text, @new.Text);
        }

        // Other languages: each hunk the same text once whitespace is gone (comment syntax differs too much to strip safely).
        return file.Hunks.Count > 0 && file.Hunks.All(h => !h.LinesTruncated
            && string.Equals(Squeeze(h.Lines, DiffLineKind.Removed), Squeeze(h.Lines, DiffLineKind.Added), StringComparison.Ordinal));
    }

    private static string Squeeze(IEnumerable<DiffLine> lines, DiffLineKind kind) =>
        string.Concat(lines.Where(l => l.Kind == kind).SelectMany(l => l.Text).Where(c => !char.IsWhiteSpace(c)));
}
