using System.Diagnostics;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;
using Autopilot.Changes.Rules;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Core.Telemetry;

namespace Autopilot.Changes.Gate;

/// <summary>The decision on a change, and what was judged.</summary>
public sealed record GateResult(Decision Decision, ChangeSet? Changes, string Description);

/// <summary>
/// May this change land? Reads the change (git or a unified diff), runs the policy's diff rules and
/// the C# analysis over it, and decides. The gate never modifies the repository. A change it cannot read
/// is a <see cref="ChangeSetException"/>: the caller reports it and fails closed.
/// </summary>
public sealed class ChangeGate
{
    private readonly PolicyEngine _engine;
    private readonly DiffRuleEngine _rules;
    private readonly IReadOnlyList<IChangeAnalysis> _analyses;

    public ChangeGate(PolicyEngine engine, IReadOnlyList<IChangeAnalysis>? analyses = null)
    {
        _engine = engine;
        _rules = new DiffRuleEngine(engine.Plan.Document.Diff);
        _analyses = analyses ?? [];
    }

    public GateResult Judge(GateRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        return Judge(Read(request), request.Scope, started);
    }

    /// <summary>Judges a change already read (a replay judges one commit under two policies and reads it once).</summary>
    public GateResult Judge(ChangeSet changes, ScopeFacts? scope = null) => Judge(changes, scope, Stopwatch.GetTimestamp());

    private GateResult Judge(ChangeSet changes, ScopeFacts? scope, long started)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.gate");
        activity?.SetTag("autopilot.change", changes.Description);
        activity?.SetTag("autopilot.files", changes.Files.Count);
        var findings = new List<Finding>(_rules.Evaluate(changes, scope));
        foreach (var analysis in _analyses)
        {
            findings.AddRange(analysis.Evaluate(changes, scope));
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

        var git = GitChangeReader.Open(request.RepositoryRoot);
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
    IReadOnlyList<Finding> Evaluate(ChangeSet changes, ScopeFacts? scope);
}
