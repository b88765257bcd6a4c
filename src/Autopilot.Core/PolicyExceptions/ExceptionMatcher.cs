using Autopilot.Core.Actions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.PolicyExceptions;

/// <summary>
/// The policy's exceptions compiled once (docs/policy-lifecycle.md): which one, if any, waives a rule's match on an
/// action now. Scopes use the project's one matcher of each kind: path and tool globs are <see cref="Glob"/>, command
/// patterns <see cref="ArgumentPattern"/> (over the invocation's text and the whole command), tasks compare exactly.
/// Every kind of scope an exception gives must match; within a kind, any entry may.
/// </summary>
internal sealed class ExceptionMatcher
{
    private readonly Entry[] _entries;

    public ExceptionMatcher(IReadOnlyList<PolicyExceptionDef> exceptions)
    {
        _entries = exceptions.Select(e => new Entry(
            e,
            e.Paths.Select(p => Glob.Parse(p.Value, GlobKind.Path)).ToArray(),
            e.Tools.Select(t => Glob.Parse(t.Value, GlobKind.Name)).ToArray())).ToArray();
    }

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>The exception that waives <paramref name="match"/> at <paramref name="now"/>, or null.</summary>
    /// <param name="subject">The action as given: the command line, the path or the tool name.</param>
    /// <param name="path">The file the action touches, relative to the workspace when inside it; null when none is known.</param>
    public PolicyExceptionDef? Find(ActionMatch match, string subject, string? path, ActionContext context, DateTimeOffset now)
    {
        foreach (var entry in _entries)
        {
            var e = entry.Def;
            if (e.Rule.Value != match.RuleId || !e.AppliesAt(now))
            {
                continue;
            }

            if (e.Tasks.Count > 0 && (context.Task is null || !e.Tasks.Any(t => t.Value == context.Task)))
            {
                continue;
            }

            if (entry.Tools.Length > 0 && (context.Tool is null || !entry.Tools.Any(g => g.IsMatch(context.Tool))))
            {
                continue;
            }

            if (entry.Paths.Length > 0 && !PathMatches(entry.Paths, match, path, context))
            {
                continue;
            }

            if (e.Commands.Count > 0 && !e.Commands.Any(c => ArgumentPattern.IsMatch(c.Value, subject) || (match.Invocation is { } inv && ArgumentPattern.IsMatch(c.Value, inv.Text))))
            {
                continue;
            }

            return e;
        }

        return null;
    }

    /// <summary>
    /// The paths the match is about must all match a glob (as written, or relative to the workspace): the action's path
    /// for a file operation; else the matched effect's target; else every positional argument of the matched
    /// invocation (so <c>rm -rf build/x src</c> is not waived by <c>build/**</c>). A path relative to the workspace is
    /// matched from the workspace root (<c>/build/**</c> anchors there), as the change gate matches repository paths.
    /// </summary>
    private static bool PathMatches(Glob[] globs, ActionMatch match, string? path, ActionContext context)
    {
        IReadOnlyList<string> candidates = path is not null ? [path]
            : match.Effect?.Target is { } target ? [target]
            : match.Invocation?.Positionals ?? [];
        return candidates.Count > 0 && candidates.All(candidate =>
        {
            var absolute = PathForms.Normalize(PathForms.ToAbsolute(candidate, context.WorkingDirectory ?? context.WorkspaceRoot, context.HomeDirectory));
            var relative = PathForms.Relative(absolute, PathForms.Normalize(context.WorkspaceRoot));
            return globs.Any(g => g.IsMatch(candidate) || (relative is not null && g.IsMatchUnderRoot(relative)));
        });
    }

    private sealed record Entry(PolicyExceptionDef Def, Glob[] Paths, Glob[] Tools);
}
