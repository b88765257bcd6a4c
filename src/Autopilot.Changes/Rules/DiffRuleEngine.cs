using System.Collections.Frozen;
using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Rules;

/// <summary>
/// The non-Roslyn half of the diff gate. Built once from the policy's diff rules (globs and regexes compiled
/// here), then asked any number of times. Kinds owned elsewhere (<see cref="ForeignKinds"/>: the C# and schema
/// checks) are skipped; an unknown kind, or a rule whose parameters cannot be used, becomes a rule that always
/// denies and names the problem: the gate never ignores a rule silently.
/// </summary>
internal sealed class DiffRuleEngine
{
    /// <summary>Kinds this engine evaluates.</summary>
    public static readonly FrozenSet<string> OwnedKinds = FrozenSet.ToFrozenSet(
        ["scope", "protected-paths", "max-files", "max-lines", "tests-required", "secrets", "trojan-source", "path-safety", "rollback-note", "base-hashes", "added-commands"],
        StringComparer.Ordinal);

    /// <summary>Kinds evaluated by the C# and schema analysis, skipped here.</summary>
    public static readonly FrozenSet<string> ForeignKinds = FrozenSet.ToFrozenSet(
        [CSharp.CSharpRules.BannedApi, CSharp.CSharpRules.PublicApi, Schemas.SchemaRules.Kind, CSharp.CSharpRules.SymbolScope, CSharp.CSharpRules.ContractTypes],
        StringComparer.Ordinal);

    private readonly DiffRule[] _rules;

    public DiffRuleEngine(IReadOnlyList<DiffRuleDef> rules)
        : this(rules, engine: null)
    {
    }

    /// <summary>
    /// Compiles <paramref name="rules"/>; <paramref name="engine"/> is the policy whose action classifier judges the
    /// commands a change adds (added-commands rules fail closed without it).
    /// </summary>
    public DiffRuleEngine(IReadOnlyList<DiffRuleDef> rules, PolicyEngine? engine)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var compiled = new List<DiffRule>(rules.Count);
        var problems = new List<string>();
        foreach (var def in rules)
        {
            if (ForeignKinds.Contains(def.Kind))
            {
                continue;
            }

            var rule = Compile(def, engine);
            if (rule is FailClosedRule failed)
            {
                problems.Add(failed.Problem);
            }

            compiled.Add(rule);
        }

        _rules = [.. compiled];
        Problems = problems;
    }

    /// <summary>Rules that could not be compiled; each also denies every evaluation with this message.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Number of rules this engine evaluates (foreign kinds excluded).</summary>
    public int RuleCount => _rules.Length;

    /// <summary>
    /// Judges <paramref name="changes"/> against every rule, in policy order. <paramref name="scope"/> is the work
    /// order's facts (null when there is none: the scope rule then fails closed). A rule that fails while
    /// evaluating (e.g. git cannot read a base file) yields a deny finding naming it; this method does not throw
    /// for bad input.
    /// </summary>
    public IReadOnlyList<Finding> Evaluate(ChangeSet changes, ScopeFacts? scope) => Evaluate(changes, scope, repositoryRoot: null);

    /// <summary>As <see cref="Evaluate(ChangeSet, ScopeFacts?)"/>, with the repository's folder (where added commands would run).</summary>
    public IReadOnlyList<Finding> Evaluate(ChangeSet changes, ScopeFacts? scope, string? repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var context = new DiffContext(changes, scope, repositoryRoot);
        var findings = new List<Finding>();
        foreach (var rule in _rules)
        {
            try
            {
                rule.Evaluate(context, findings);
            }
            catch (Exception ex) when (ex is ChangeSetException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
            {
                findings.Add(new Finding(rule.Def.Id, Severity.Deny, $"rule '{rule.Def.Id}' ({rule.Def.Kind}) could not be evaluated, so the change is not allowed: {ex.Message}", rule.Def.Location));
            }
        }

        return findings;
    }

    private static DiffRule Compile(DiffRuleDef def, PolicyEngine? engine)
    {
        try
        {
            return def.Kind switch
            {
                "scope" => new ScopeRule(def),
                "protected-paths" => new ProtectedPathsRule(def),
                "max-files" => new MaxFilesRule(def),
                "max-lines" => new MaxLinesRule(def),
                "tests-required" => new TestsRequiredRule(def),
                "secrets" => new SecretsRule(def),
                "trojan-source" => new TrojanSourceRule(def),
                "path-safety" => new PathSafetyRule(def),
                "rollback-note" => new RollbackNoteRule(def),
                "base-hashes" => new BaseHashesRule(def),
                "added-commands" => new AddedCommandsRule(def, engine),
                _ => new FailClosedRule(def, $"diff rule '{def.Id}' has the unknown kind '{def.Kind}', so the gate cannot evaluate it: use one of {string.Join(", ", OwnedKinds.Order().Concat(ForeignKinds.Order()))}"),
            };
        }
        catch (FormatException ex)
        {
            return new FailClosedRule(def, $"diff rule '{def.Id}' ({def.Kind}) cannot be evaluated: {ex.Message}");
        }
    }
}
