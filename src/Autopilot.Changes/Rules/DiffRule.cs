using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// One compiled diff rule. Globs and regexes are compiled in the constructor, which throws
/// <see cref="FormatException"/> for a rule it cannot run (the engine turns that into a fail-closed rule).
/// </summary>
internal abstract class DiffRule
{
    protected DiffRule(DiffRuleDef def)
    {
        Def = def;
        Exclude = GlobSet.Create(def.ExcludePaths);
    }

    public DiffRuleDef Def { get; }

    /// <summary>Paths the rule ignores (every kind reads ExcludePaths).</summary>
    protected GlobSet Exclude { get; }

    public abstract void Evaluate(DiffContext context, List<Finding> findings);

    protected Finding Report(string detail, SourceLocation? location = null, Severity? severity = null) =>
        new(Def.Id, severity ?? Def.Severity, string.IsNullOrWhiteSpace(Def.Message) ? detail : $"{Def.Message.TrimEnd('.')}: {detail}", location);

    protected static SourceLocation At(FileChange file)
    {
        var line = 1;
        foreach (var hunk in file.Hunks)
        {
            line = Math.Max(1, hunk.NewCount > 0 ? hunk.NewStart : hunk.OldStart);
            break;
        }

        return new SourceLocation(file.Path, line, 1);
    }

    protected static IEnumerable<string> PathsOf(FileChange file)
    {
        if (file.OldPath is not null)
        {
            yield return file.OldPath;
        }

        if (file.NewPath is not null && file.NewPath != file.OldPath)
        {
            yield return file.NewPath;
        }
    }

    protected static string List(IEnumerable<string> items, int max = 5)
    {
        var all = items.ToList();
        var shown = string.Join(", ", all.Take(max).Select(i => $"'{i}'"));
        return all.Count > max ? $"{shown} and {all.Count - max} more" : shown;
    }

    protected static GlobSet Required(IReadOnlyList<string> globs, string field) =>
        globs.Count == 0 ? throw new FormatException($"it needs '{field}' (one or more path globs)") : GlobSet.Create(globs);
}

/// <summary>What the rules look at: the change set and the work order's facts, plus what is worth computing once.</summary>
internal sealed class DiffContext(ChangeSet changes, ScopeFacts? scope, string? repositoryRoot = null)
{
    public ChangeSet Changes { get; } = changes;

    public ScopeFacts? Scope { get; } = scope;

    /// <summary>The repository's folder (absolute), where the change's commands would run; the current folder when not given.</summary>
    public string RepositoryRoot { get; } = Path.GetFullPath(repositoryRoot ?? ".");
}

/// <summary>A rule the gate cannot run (unknown kind, bad parameters): it always fails closed.</summary>
internal sealed class FailClosedRule(DiffRuleDef def, string problem) : DiffRule(WithoutExcludes(def))
{
    public string Problem { get; } = problem;

    public override void Evaluate(DiffContext context, List<Finding> findings) =>
        findings.Add(new Finding(Def.Id.Length == 0 ? "(unnamed diff rule)" : Def.Id, Severity.Deny, Problem, Def.Location));

    private static DiffRuleDef WithoutExcludes(DiffRuleDef def) => def with { ExcludePaths = [] };
}
