using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// scope: every path the change touches (both sides of a rename) must match the work order's allowed globs.
/// Paths: globs allowed in addition (e.g. lock files); ExcludePaths: files the rule ignores. Without a work
/// order there is no scope to judge: the rule says so in an info finding and does not decide (so that
/// `autopilot gate` on a plain repository judges everything else), like conftest skipping a rule whose input is absent.
/// </summary>
internal sealed class ScopeRule(DiffRuleDef def) : DiffRule(def)
{
    private readonly GlobSet _alsoAllowed = GlobSet.Create(def.Paths);

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        if (context.Scope is null)
        {
            // Not the rule's own message ("touches a file outside..."): nothing was found outside, nothing was judged.
            findings.Add(new Finding(Def.Id, Severity.Info, "No work order was given, so the change's scope was not checked: pass --work-order to judge it."));
            return;
        }

        GlobSet allowed;
        try
        {
            allowed = GlobSet.Create(context.Scope.AllowedPaths);
        }
        catch (FormatException ex)
        {
            findings.Add(Report($"the work order's allowed paths cannot be read: {ex.Message}"));
            return;
        }

        var shown = allowed.IsEmpty ? "none" : allowed.ToString();
        foreach (var file in context.Changes.Files)
        {
            var outside = PathsOf(file).Where(p => !Exclude.IsMatchUnderRoot(p) && !allowed.IsMatchUnderRoot(p) && !_alsoAllowed.IsMatchUnderRoot(p)).ToList();
            if (outside.Count > 0)
            {
                findings.Add(Report(
                    $"{List(outside)} is outside the work order's allowed paths ({shown}); revert it or extend the work order",
                    At(file)));
            }
        }
    }
}

/// <summary>protected-paths: a change to a path matching Paths (minus ExcludePaths), on either side, is a finding.</summary>
internal sealed class ProtectedPathsRule(DiffRuleDef def) : DiffRule(def)
{
    private readonly GlobSet _protected = Required(def.Paths, "paths");

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        foreach (var file in context.Changes.Files)
        {
            foreach (var path in PathsOf(file))
            {
                if (!Exclude.IsMatchUnderRoot(path) && _protected.FirstMatch(path, underRoot: true) is { } glob)
                {
                    findings.Add(Report($"'{path}' is protected (matches '{glob.Pattern}'): {Verb(file)} it needs a person's approval", At(file)));
                    break;
                }
            }
        }
    }

    private static string Verb(FileChange file) => file.Kind switch
    {
        ChangeKind.Added => "adding",
        ChangeKind.Deleted => "deleting",
        ChangeKind.Renamed => "moving",
        _ => "changing",
    };
}
