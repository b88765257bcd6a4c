using System;
using System.Collections.Generic;
using System.Linq;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Validation;

namespace Autopilot.Policy.Plan;

/// <summary>The result of compiling a policy: a plan when there were no errors, and every diagnostic either way.</summary>
public sealed record PlanResult(PolicyPlan? Plan, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool Succeeded => Plan is not null;
}

/// <summary>Lowers a validated <see cref="PolicyDocument"/> into a <see cref="PolicyPlan"/>.</summary>
public static class PlanBuilder
{
    /// <summary>Load, validate and lower in one step: what the CLI, the runtime and the generator all call.</summary>
    /// <param name="loaded">The loaded policy.</param>
    /// <param name="checks">The checks that need engines beyond this assembly.</param>
    /// <param name="compiledPacksHash">The packs hash of an effect resolver compiled into the caller (the plan's <see cref="PolicyPlan.PacksHash"/> when it serves).</param>
    /// <param name="compiledPacksManifest">
    /// What that hash was taken over (<see cref="PackLoader.ManifestOf"/>). When the policy's built-in packs give the same
    /// manifest (from the build-time table of their hashes: nothing is read or hashed), their YAML is not read: the plan's
    /// <see cref="PolicyPlan.Packs"/> stays empty and the compiled resolver serves.
    /// </param>
    public static PlanResult Compile(PolicyLoadResult loaded, PolicyChecks? checks = null, string? compiledPacksHash = null, string? compiledPacksManifest = null)
    {
        var diagnostics = new List<PolicyDiagnostic>(loaded.Diagnostics);
        if (loaded.Document is null)
        {
            return new PlanResult(null, diagnostics);
        }

        if (checks?.Validate != false)
        {
            diagnostics.AddRange(PolicyValidator.Validate(loaded.Document, checks));
        }

        var names = PackNames(loaded.Document);
        var compiled = compiledPacksHash is not null && compiledPacksManifest is not null && PackLoader.ManifestOfBuiltIn(names) == compiledPacksManifest;
        var packs = compiled ? new PackLoadResult([], []) : PackLoader.Resolve(names, loaded.Document.SourcePath);
        diagnostics.AddRange(packs.Diagnostics);
        diagnostics.Sort((a, b) => a.Location.Line != b.Location.Line ? a.Location.Line.CompareTo(b.Location.Line) : a.Location.Column.CompareTo(b.Location.Column));
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new PlanResult(null, diagnostics);
        }

        return new PlanResult(Build(loaded.Document, packs.Packs, compiled ? compiledPacksHash! : PackLoader.HashOf(packs.Packs)), diagnostics);
    }

    /// <summary>
    /// The packs a policy reads: those it names; when it names none, the built-in <c>core</c> pack, so that the
    /// file targets of everyday tools (<c>rm</c>, <c>cp</c>, <c>tee</c>, ...) are known to every policy.
    /// </summary>
    public static IReadOnlyList<Located<string>> PackNames(PolicyDocument doc) =>
        doc.Packs.Count > 0 ? doc.Packs : [new Located<string>("core", null)];

    /// <summary>Lowers a document that validated without errors, with the packs it reads.</summary>
    private static PolicyPlan Build(PolicyDocument doc, IReadOnlyList<PackDef> packs, string packsHash)
    {
        var phases = doc.Phases.Select(p => p.Id).ToArray();
        var n = phases.Length;
        var evidence = doc.Evidence.Items;

        var table = new TransitionKind[n * n];
        var edges = new bool[n * n];
        for (var i = 0; i + 1 < n; i++)
        {
            if (doc.Transitions.Mode == "sequential")
            {
                edges[(i * n) + i + 1] = true;
            }
        }

        foreach (var edge in doc.Transitions.Edges)
        {
            var from = Array.IndexOf(phases, edge.From);
            var to = Array.IndexOf(phases, edge.To);
            edges[(from * n) + to] = true;
        }

        for (var from = 0; from < n; from++)
        {
            for (var to = 0; to < n; to++)
            {
                table[(from * n) + to] =
                    edges[(from * n) + to] ? TransitionKind.Forward :
                    from == to ? TransitionKind.Same :
                    to < from ? TransitionKind.Backtrack :
                    TransitionKind.Skip;
            }
        }

        var required = new ulong[n];
        for (var p = 0; p < n; p++)
        {
            foreach (var id in doc.Phases[p].Evidence)
            {
                var index = evidence.ToList().FindIndex(e => e.Id == id.Value);
                required[p] |= 1UL << index;
            }
        }

        // Each level's row is monotone (allow, then escalate, then deny): two thresholds say it all, and the table is
        // built from them, so the interpreter (the table) and the generator (the thresholds) cannot disagree.
        var risks = doc.RiskLevels;
        var levels = doc.Autonomy.Levels
            .Select(l =>
            {
                var allow = IndexOf(risks, l.AllowUpTo.Value);
                return new AutonomyLevelPlan(l.Id, l.Description, allow, Math.Max(allow, IndexOf(risks, l.EscalateUpTo.Value)));
            })
            .ToArray();
        var autonomy = new Verdict[levels.Length * risks.Count];
        for (var l = 0; l < levels.Length; l++)
        {
            for (var r = 0; r < risks.Count; r++)
            {
                autonomy[(l * risks.Count) + r] = r <= levels[l].AllowUpTo ? Verdict.Allow : r <= levels[l].EscalateUpTo ? Verdict.Escalate : Verdict.Deny;
            }
        }

        var always = doc.Tools.Always;
        var phaseTools = new IReadOnlyList<string>?[n];
        var drift = new Severity[n];
        for (var p = 0; p < n; p++)
        {
            var own = doc.Phases[p].Tools;
            phaseTools[p] = own is null ? null : PlanCopies.List(own.Select(t => t.Value).Concat(always));
            drift[p] = doc.Phases[p].AttestationDrift ?? doc.Attestation.DefaultDrift;
        }

        var t = doc.Transitions;
        return new PolicyPlan
        {
            Source = doc,
            PolicyHash = doc.Hash,
            SourcePath = doc.SourcePath,
            Metadata = doc.Metadata,
            Packs = PlanCopies.List(packs, PlanCopies.Of),
            PacksHash = packsHash,
            Phases = PlanCopies.List(phases),
            PhaseDefinitions = PlanCopies.List(doc.Phases, PlanCopies.Of),
            TransitionTable = PlanCopies.List(table),
            Transitions = new TransitionPlan
            {
                Skip = t.Skip,
                Backtrack = t.Backtrack,
                MissingEvidence = t.MissingEvidence,
                InvalidEvidence = t.InvalidEvidence,
                UnknownPhase = t.UnknownPhase,
                SamePhase = t.SamePhase,
            },
            RequiredEvidence = PlanCopies.List(required),
            Evidence = PlanCopies.List(evidence),
            EvidenceRoot = doc.Evidence.Root,
            RiskLevels = PlanCopies.List(risks),
            AutonomyLevels = PlanCopies.List(levels.Select(l => l.Id)),
            AutonomyTable = PlanCopies.List(autonomy),
            Autonomy = new AutonomyPlan
            {
                Levels = PlanCopies.List(levels),
                AboveLevel = doc.Autonomy.AboveLevel,
                FarAboveLevel = doc.Autonomy.FarAboveLevel,
            },
            DefaultAutonomyLevel = Math.Max(0, Array.FindIndex(levels, l => l.Id == doc.Autonomy.Default)),
            DefaultRisk = IndexOf(risks, doc.Actions.DefaultRisk),
            UnknownRisk = IndexOf(risks, doc.Actions.UnknownRisk),
            Risks = PlanCopies.List(doc.Risks, PlanCopies.Of),
            Actions = PlanCopies.Of(doc.Actions),
            Tools = PlanCopies.Of(doc.Tools),
            Diff = PlanCopies.List(doc.Diff, PlanCopies.Of),
            ProtectedPaths = PlanCopies.List(doc.Diff.Where(r => r.Kind == "protected-paths").SelectMany(r => r.Paths).Distinct(StringComparer.Ordinal)),
            Escalation = PlanCopies.List(doc.Escalation, e => new EscalationPlan(PlanCopies.Of(e), e.Condition is null ? null : Lower(e.Condition))),
            Failures = PlanCopies.Of(doc.Failures),
            Attestation = doc.Attestation,
            AttestationDrift = PlanCopies.List(drift),
            PhaseTools = PlanCopies.List(phaseTools),
            Exceptions = PlanCopies.List(doc.Exceptions, PlanCopies.Of),
            Rules = RuleIndex(doc),
            RuleCatalogSource = new Lazy<IReadOnlyList<RuleDescription>>(() => RuleCatalog(doc)),
        };
    }

    /// <summary>Every rule a finding can name, with where it is written and how it is enforced (provenance, issue 14).</summary>
    private static IReadOnlyDictionary<string, PlanRule> RuleIndex(PolicyDocument doc)
    {
        var rules = new Dictionary<string, PlanRule>(StringComparer.Ordinal);
        void Add(string id, RuleSection section, Enforcement enforcement, SourceLocation? location)
        {
            if (id.Length > 0 && !rules.ContainsKey(id))
            {
                rules.Add(id, new PlanRule(id, section, enforcement, location));
            }
        }

        foreach (var r in doc.Risks)
        {
            Add(r.Id, RuleSection.Risk, r.Enforcement, r.Location);
        }

        foreach (var r in doc.Diff)
        {
            Add(r.Id, RuleSection.Diff, r.Enforcement, r.Location);
        }

        foreach (var r in doc.Escalation)
        {
            Add(r.Id, RuleSection.Escalation, r.Enforcement, r.Location);
        }

        var t = doc.Transitions;
        foreach (var o in new[] { t.Skip, t.Backtrack, t.MissingEvidence, t.InvalidEvidence, t.UnknownPhase, t.SamePhase })
        {
            Add(o.Id, RuleSection.Transition, Enforcement.Enforce, o.Location);
        }

        Add(doc.Autonomy.AboveLevel.Id, RuleSection.Autonomy, Enforcement.Enforce, doc.Autonomy.AboveLevel.Location);
        Add(doc.Autonomy.FarAboveLevel.Id, RuleSection.Autonomy, Enforcement.Enforce, doc.Autonomy.FarAboveLevel.Location);
        Add(doc.Tools.NotAllowed.Id, RuleSection.Tool, Enforcement.Enforce, doc.Tools.NotAllowed.Location);

        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, PlanRule>(rules);
    }

    /// <summary>Every rule id a finding can carry: the built-in outcome rules, then risks, escalation, failures and diff rules (first wins on a repeat).</summary>
    private static IReadOnlyList<RuleDescription> RuleCatalog(PolicyDocument doc)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rules = new List<RuleDescription>();
        void Add(string id, string description)
        {
            if (id.Length > 0 && seen.Add(id))
            {
                rules.Add(new RuleDescription(id, description));
            }
        }

        var t = doc.Transitions;
        Add(t.Skip.Id, "transitions.skip");
        Add(t.Backtrack.Id, "transitions.backtrack");
        Add(t.MissingEvidence.Id, "transitions.missingEvidence");
        Add(t.InvalidEvidence.Id, "transitions.invalidEvidence");
        Add(t.UnknownPhase.Id, "transitions.unknownPhase");
        Add(t.SamePhase.Id, "transitions.samePhase");
        Add(doc.Autonomy.AboveLevel.Id, "autonomy.aboveLevel");
        Add(doc.Autonomy.FarAboveLevel.Id, "autonomy.farAboveLevel");
        Add(doc.Tools.NotAllowed.Id, "tools.notAllowed");
        Add(doc.Attestation.RuleId, "attestation");
        foreach (var r in doc.Risks)
        {
            Add(r.Id, $"risk rule ({r.Risk.Value}): {r.Message}");
        }

        foreach (var r in doc.Escalation)
        {
            Add(r.Id, $"escalation rule: {r.Message}");
        }

        foreach (var r in doc.Failures.Classes)
        {
            Add(r.Id, $"failure class: {r.Message}");
        }

        foreach (var r in doc.Diff)
        {
            Add(r.Id, $"diff rule ({r.Kind}): {r.Message}");
        }

        return PlanCopies.List(rules);
    }

    private static ConditionPlan Lower(ConditionDef condition)
    {
        if (condition.Signal is { } signal)
        {
            var op = condition.Op switch
            {
                ">" => ConditionOp.Greater,
                "<=" => ConditionOp.LessOrEqual,
                "<" => ConditionOp.Less,
                "==" => ConditionOp.Equal,
                "!=" => ConditionOp.NotEqual,
                _ => ConditionOp.GreaterOrEqual,
            };
            var comparison = new ConditionPlan(op, SignalNames.IndexOf(signal), condition.Value, []);
            var extra = condition.All.Select(Lower).Concat(condition.Any.Count > 0 ? [new ConditionPlan(ConditionOp.Any, -1, 0, PlanCopies.List(condition.Any, Lower))] : []).ToArray();
            return extra.Length == 0 ? comparison : new ConditionPlan(ConditionOp.All, -1, 0, [comparison, .. extra]);
        }

        if (condition.All.Count > 0 && condition.Any.Count > 0)
        {
            return new ConditionPlan(ConditionOp.All, -1, 0, [.. condition.All.Select(Lower), new ConditionPlan(ConditionOp.Any, -1, 0, PlanCopies.List(condition.Any, Lower))]);
        }

        return condition.All.Count > 0
            ? new ConditionPlan(ConditionOp.All, -1, 0, PlanCopies.List(condition.All, Lower))
            : new ConditionPlan(ConditionOp.Any, -1, 0, PlanCopies.List(condition.Any, Lower));
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
