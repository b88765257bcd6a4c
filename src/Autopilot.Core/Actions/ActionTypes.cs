using Autopilot.Core.Shell;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Actions;

/// <summary>What an action does to a path.</summary>
public enum FileOp
{
    Read,
    Write,
    Delete,
}

/// <summary>
/// Where an action happens: the workspace root (for outside-workspace and symlink checks), the home
/// folder (<c>~</c>), the working directory relative paths start from, and the task's phase (for tool guards).
/// </summary>
public sealed record ActionContext(string WorkspaceRoot, string HomeDirectory)
{
    /// <summary>Folder relative paths are resolved against; the workspace root when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>The task's current phase, for the phase's tool list; null skips the tool guard.</summary>
    public string? Phase { get; init; }

    /// <summary>The task the action belongs to, when known: policy exceptions may be scoped to tasks.</summary>
    public string? Task { get; init; }

    /// <summary>The agent tool that performs the action (<c>Bash</c>, <c>Write</c>, ...), when known: policy exceptions may be scoped to tools.</summary>
    public string? Tool { get; init; }

    /// <summary>When true (the default), paths inside the workspace are resolved through symlinks on disk.</summary>
    public bool ResolveSymlinks { get; init; } = true;

    /// <summary>A context for <paramref name="workspaceRoot"/> and the current user's home folder.</summary>
    public static ActionContext ForCurrentUser(string workspaceRoot) =>
        new(workspaceRoot, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
}

/// <summary>
/// One reason an action carries a risk: the rule, the risk level it gives, a reason that quotes what
/// matched, and the invocation it matched (for commands).
/// </summary>
/// <param name="RuleId">The risk rule's id, or a built-in id (<c>AP-SHELL-PARSE</c>, <c>AP-PATH-OUTSIDE-WORKSPACE</c>, ...).</param>
/// <param name="RiskIndex">Index of <paramref name="Risk"/> in the policy's risk levels (higher is riskier).</param>
/// <param name="Risk">Name of the risk level.</param>
/// <param name="Reason">The rule's message and what matched, quoted.</param>
/// <param name="Quote">The part of the action that matched (an argument, a redirection, the program, ...).</param>
/// <param name="Invocation">The invocation that matched, for commands.</param>
public sealed record ActionMatch(string RuleId, int RiskIndex, string Risk, string Reason, string Quote, Invocation? Invocation)
{
    /// <summary>The policy rule behind this match, when it came from one (its <c>When</c> and location).</summary>
    public RiskRuleDef? Rule { get; init; }

    /// <summary>The effect this match judged, when an effect rule made it.</summary>
    public Autopilot.Core.Effects.Effect? Effect { get; init; }

    /// <summary>The safer way to get the same done (from the rule, else from the pack), when there is one.</summary>
    public string? Alternative { get; init; }

    /// <summary>
    /// Set when the policy fixes the verdict regardless of autonomy (a tool the phase may not call):
    /// the caller applies it as is.
    /// </summary>
    public Verdict? FixedVerdict { get; init; }

    /// <summary>
    /// Set when the rule's <c>when:</c> predicate could not answer for this match (it threw, hit a limit, did not
    /// return a boolean): the match is kept, fail closed, and this says why.
    /// </summary>
    public string? PredicateFailure { get; init; }

    public override string ToString() => $"{Risk} {RuleId}: {Reason}";
}

/// <summary>
/// How risky an action is: the highest risk level any match gave (or the policy's default), and every match.
/// </summary>
public sealed record ActionClassification(int RiskIndex, string Risk, IReadOnlyList<ActionMatch> Matches)
{
    /// <summary>For commands: what the parser made of the text.</summary>
    internal ParseResult? Parse { get; init; }

    /// <summary>What the action does, as the packs resolve it (docs/effects.md).</summary>
    public IReadOnlyList<Autopilot.Core.Effects.Effect> Effects { get; init; } = [];

    /// <summary>True when the action could not be understood (parse error, dynamic program): it carries the policy's unknown risk.</summary>
    public bool IsUnknown { get; init; }

    /// <summary>
    /// True once the rules' <c>when:</c> predicates have been applied (<see cref="ActionEvaluator.ApplyPredicates"/>):
    /// every match left held its predicate or failed closed, and <see cref="RiskIndex"/> comes from those alone.
    /// </summary>
    public bool PredicatesApplied { get; init; }

    /// <summary>The most restrictive fixed verdict among the matches, if any has one.</summary>
    public Verdict? FixedVerdict
    {
        get
        {
            Verdict? verdict = null;
            foreach (var m in Matches)
            {
                if (m.FixedVerdict is { } v && (verdict is null || v > verdict))
                {
                    verdict = v;
                }
            }

            return verdict;
        }
    }

    public override string ToString() => Matches.Count == 0 ? Risk : $"{Risk}: {string.Join("; ", Matches)}";
}

/// <summary>Ids of the findings the classifier makes on its own (not from a policy rule).</summary>
internal static class ActionRuleIds
{
    public const string ParseError = RuleIds.ShellParse;
    public const string DynamicProgram = RuleIds.ShellDynamic;
    public const string Unlisted = RuleIds.ActionUnlisted;
    public const string DeniedFlag = RuleIds.ActionDeniedFlag;
    public const string OutsideWorkspace = RuleIds.PathOutsideWorkspace;
    public const string PathEscape = RuleIds.PathEscape;
    public const string WorkspaceRoot = RuleIds.PathWorkspaceRoot;
    public const string SymlinkEscape = RuleIds.PathSymlinkEscape;
    public const string Protected = RuleIds.PathProtected;
    public const string InvalidPath = RuleIds.PathInvalid;
    public const string InvalidTool = RuleIds.ToolInvalid;
}
