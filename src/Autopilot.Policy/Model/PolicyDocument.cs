using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>
/// A policy file as written, after structural loading: names are still names (not indices).
/// <see cref="Validation.PolicyValidator"/> checks it and <see cref="Plan.PlanBuilder"/> lowers it.
/// </summary>
public sealed record PolicyDocument
{
    public string SourcePath { get; init; } = "";

    /// <summary>SHA-256 (hex) of the file's bytes: every decision names the policy that made it.</summary>
    public string Hash { get; init; } = "";

    public PolicyMetadata Metadata { get; init; } = new();

    /// <summary>Risk levels, least risky first. Default: none, low, medium, high, critical.</summary>
    public IReadOnlyList<string> RiskLevels { get; init; } = DefaultRiskLevels;

    public IReadOnlyList<PhaseDef> Phases { get; init; } = [];

    public TransitionSettings Transitions { get; init; } = new();

    public EvidenceSettings Evidence { get; init; } = new();

    public AutonomySettings Autonomy { get; init; } = new();

    public ActionSettings Actions { get; init; } = new();

    /// <summary>Program packs the action classifier reads (built-in names or <c>*.pack.yaml</c> paths next to the policy).</summary>
    public IReadOnlyList<Located<string>> Packs { get; init; } = [];

    public IReadOnlyList<RiskRuleDef> Risks { get; init; } = [];

    public IReadOnlyList<EscalationRuleDef> Escalation { get; init; } = [];

    public FailureSettings Failures { get; init; } = new();

    public ToolSettings Tools { get; init; } = new();

    public AttestationSettings Attestation { get; init; } = new();

    public IReadOnlyList<DiffRuleDef> Diff { get; init; } = [];

    /// <summary>Owned, expiring exceptions to single rules (docs/policy-lifecycle.md).</summary>
    public IReadOnlyList<PolicyExceptionDef> Exceptions { get; init; } = [];

    /// <summary>The base policy this file is an overlay of, when it names one.</summary>
    public PolicyBaseDef? Base { get; init; }

    /// <summary>Keys the file wrote (<c>risks</c>, <c>actions.defaultRisk</c>, ...) and where: an overlay is checked key by key.</summary>
    public IReadOnlyDictionary<string, SourceLocation> Written { get; init; } = new Dictionary<string, SourceLocation>();

    /// <summary>The layers this document was merged from, most general first; empty for a single file.</summary>
    public IReadOnlyList<PolicyLayerInfo> Layers { get; init; } = [];

    /// <summary>For a merged document: rule id (risk, escalation, diff rule or exception) → the layer that defined or last tightened it.</summary>
    public IReadOnlyDictionary<string, string> RuleLayers { get; init; } = new Dictionary<string, string>();

    public static readonly IReadOnlyList<string> DefaultRiskLevels = ["none", "low", "medium", "high", "critical"];
}

public sealed record PolicyMetadata
{
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string Description { get; init; } = "";
}

/// <summary>A text written in the policy with the place it was written, so that errors can point at it.</summary>
public sealed record Located<T>(T Value, SourceLocation? Location);
