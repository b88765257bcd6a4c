using System.Diagnostics;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;
using Autopilot.Changes.Rules;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.Telemetry;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Gate;

/// <summary>The decision on a change, and what was judged.</summary>
public sealed record GateResult(Decision Decision, ChangeSet? Changes, string Description);

/// <summary>
/// May this change land? Reads the change (git or a unified diff), runs the policy's diff rules and
/// the C# and schema analyses over it, and decides. The gate never modifies the repository. A change it cannot read
/// is a <see cref="ChangeSetException"/>: the caller reports it and fails closed. A rule that no analysis
/// given to the gate evaluates denies (<see cref="UnevaluatedRuleId"/>): the gate never ignores a rule.
/// </summary>
public sealed class ChangeGate
{
    /// <summary>A diff rule whose kind none of the gate's analyses evaluates: the change is denied, naming the rule.</summary>
    public const string UnevaluatedRuleId = RuleIds.GateUnevaluated;

    private readonly PolicyEngine _engine;
    private readonly DiffRuleEngine _rules;
    private readonly IReadOnlyList<IChangeAnalysis>? _analyses;

    /// <param name="engine">The policy.</param>
    /// <param name="analyses">The analyses beside the diff rules; null runs every one (<see cref="DefaultAnalyses"/>: C# by syntax,
    /// or by symbol when the request asks for <see cref="GateRequest.Semantic"/>; schemas). The <c>autopilot gate</c> command and
    /// <see cref="AutopilotEngine"/> both give none.</param>
    public ChangeGate(PolicyEngine engine, IReadOnlyList<IChangeAnalysis>? analyses = null)
    {
        _engine = engine;
        _rules = new DiffRuleEngine(engine.Plan.Diff, engine);
        _analyses = analyses;
    }

    /// <summary>Every analysis the gate has, for a policy's rules and a repository: C# (by syntax, or by symbol with <paramref name="semantic"/>) and schemas.</summary>
    internal static IReadOnlyList<IChangeAnalysis> DefaultAnalyses(IReadOnlyList<DiffRuleDef> rules, string repositoryRoot, CSharp.Semantic.SemanticOptions? semantic = null) =>
        [new CSharpAnalysis(rules, semantic), new SchemaAnalysis(rules, repositoryRoot)];

    public GateResult Judge(GateRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var semantic = request.Semantic ? new CSharp.Semantic.SemanticOptions(Path.GetFullPath(request.RepositoryRoot)) : null;
        return Judge(Read(request), request.Scope, request.RepositoryRoot, fromRepository: request.DiffText is null, started, semantic);
    }

    /// <summary>Judges a change already read (a replay judges one commit under two policies and reads it once).</summary>
    /// <param name="changes">The change.</param>
    /// <param name="scope">The work order's scope, if any.</param>
    /// <param name="repositoryRoot">The repository the change belongs to (for the analyses that read its files); null for a bare diff.</param>
    public GateResult Judge(ChangeSet changes, ScopeFacts? scope = null, string? repositoryRoot = null) =>
        Judge(changes, scope, repositoryRoot ?? Directory.GetCurrentDirectory(), fromRepository: repositoryRoot is not null, Stopwatch.GetTimestamp());

    /// <param name="fromRepository">The change was read from the repository, so rules may read its other files (a bare diff has none).</param>
    /// <param name="semantic">For the default analyses: match banned APIs by symbol (<see cref="GateRequest.Semantic"/>).</param>
    private GateResult Judge(ChangeSet read, ScopeFacts? scope, string repositoryRoot, bool fromRepository, long started, CSharp.Semantic.SemanticOptions? semantic = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.gate");
        var (changes, ownState) = OwnState.Exclude(read);
        activity?.SetTag("autopilot.change", changes.Description);
        activity?.SetTag("autopilot.files", changes.Files.Count);
        var findings = new List<Finding>(_rules.Evaluate(changes, scope, fromRepository ? repositoryRoot : null));
        if (ownState is not null)
        {
            findings.Add(ownState);
        }

        var analyses = _analyses ?? DefaultAnalyses(_engine.Plan.Diff, repositoryRoot, semantic);
        foreach (var analysis in analyses)
        {
            findings.AddRange(analysis.Evaluate(changes, scope));
        }

        foreach (var rule in _engine.Plan.Diff)
        {
            if (DiffRuleEngine.ForeignKinds.Contains(rule.Kind) && !analyses.Any(a => a.Kinds.Contains(rule.Kind)))
            {
                findings.Add(new Finding(UnevaluatedRuleId, Severity.Deny,
                    $"diff rule '{rule.Id}' ({rule.Kind}) is not evaluated by this gate (none of its analyses handles '{rule.Kind}'), so the change is not allowed.",
                    rule.Location));
            }
        }

        var decision = RuleEnforcement.Apply(new Decision(findings, _engine.PolicyHash, Stopwatch.GetElapsedTime(started)), _engine.Plan);
        AutopilotTelemetry.RecordDecision("gate", decision, activity);
        return new GateResult(decision, changes, changes.Description);
    }

    private static ChangeSet Read(GateRequest request)
    {
        if (request.DiffText is not null)
        {
            return UnifiedDiffParser.Parse(request.DiffText, description: request.DiffSource);
        }

        var git = GitReaders.Open(request.RepositoryRoot, request.GitReader);
        if (request.Staged)
        {
            return git.ReadStaged();
        }

        if (request.Head is not null)
        {
            return request.Base is null ? git.ReadRange(request.Head + "^", request.Head) : git.ReadSinceMergeBase(request.Base, request.Head);
        }

        return git.ReadWorkingTreeAgainst(request.Base ?? git.DefaultBranch());
    }
}

/// <summary>A further analysis the gate runs over every change (the Roslyn analysis of C# files, schema checks).</summary>
public interface IChangeAnalysis
{
    /// <summary>The diff-rule kinds this analysis evaluates (from <see cref="DiffRuleEngine.ForeignKinds"/>).</summary>
    IReadOnlyCollection<string> Kinds { get; }

    IReadOnlyList<Finding> Evaluate(ChangeSet changes, ScopeFacts? scope);
}
