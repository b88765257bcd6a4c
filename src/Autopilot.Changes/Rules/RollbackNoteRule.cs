using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// rollback-note: a change to files matching Paths (migrations, configuration) must say how to undo it. Any of
/// these satisfies the rule: the change adds or edits a file named <c>ROLLBACK.md</c> (any folder, any case);
/// an added line anywhere in the change contains Marker (default <c>rollback:</c>, case-insensitive), e.g.
/// <c>-- rollback: DROP TABLE x;</c> in the migration itself; or the work order carries a rollback note
/// (<see cref="ScopeFacts.RollbackNote"/>).
/// </summary>
internal sealed class RollbackNoteRule(DiffRuleDef def) : DiffRule(def)
{
    public const string DefaultMarker = "rollback:";
    public const string NoteFileName = "ROLLBACK.md";

    private readonly GlobSet _paths = Required(def.Paths, "paths");
    private readonly string _marker = string.IsNullOrWhiteSpace(def.Marker) ? DefaultMarker : def.Marker;

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        var selected = context.Changes.Files.Where(f => PathsOf(f).Any(p => _paths.IsMatchUnderRoot(p) && !Exclude.IsMatchUnderRoot(p))).ToList();
        if (selected.Count == 0 || !string.IsNullOrWhiteSpace(context.Scope?.RollbackNote))
        {
            return;
        }

        foreach (var file in context.Changes.Files)
        {
            if (file.NewPath is not null && Path.GetFileName(file.NewPath).Equals(NoteFileName, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        foreach (var file in context.Changes.Files)
        {
            foreach (var line in file.AddedLines)
            {
                if (line.Text.Contains(_marker, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }
            }
        }

        findings.Add(Report(
            $"{List(selected.Select(f => f.Path))} changed without a rollback note: add a {NoteFileName}, a '{_marker}' line saying how to undo it, or a rollback note in the work order",
            At(selected[0])));
    }
}
