using System;
using System.Collections.Generic;
using System.Linq;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;

namespace Autopilot.Policy.Layers;

/// <summary>
/// Merges an overlay onto its base (docs/policy-lifecycle.md, "Layers"): the overlay inherits everything and may only
/// tighten. Each construct has its own meaning of "tighter"; a loosening is an <c>AP1121</c> error at the overlay's
/// place that names the base's place too. Pure: reading the layers (files, folders, packages) is the caller's.
/// </summary>
internal static class PolicyLayerMerge
{
    /// <summary>Sections an overlay may not write at all: they define the process itself, which only the base defines.</summary>
    private static readonly string[] s_baseOnly = ["phases", "transitions", "evidence", "failures", "attestation", "packs"];

    private static readonly string[] s_actionRisks = ["defaultRisk", "unlistedRisk", "unknownRisk", "outsideWorkspaceRisk", "outsideWorkspaceReadRisk", "protectedPathRisk"];

    /// <summary>The overlay merged onto the base; loosenings and redefinitions are added to <paramref name="diagnostics"/>.</summary>
    public static PolicyDocument Merge(PolicyDocument upper, string upperName, PolicyDocument lower, string lowerName, List<PolicyDiagnostic> diagnostics)
    {
        var m = new Merger(upper, lower, diagnostics);
        var ruleLayers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in upper.Risks.Select(r => r.Id).Concat(upper.Escalation.Select(e => e.Id)).Concat(upper.Diff.Select(d => d.Id)).Concat(upper.Exceptions.Select(e => e.Id)))
        {
            ruleLayers[id] = upper.RuleLayers.TryGetValue(id, out var layer) ? layer : upperName;
        }

        foreach (var id in lower.Risks.Select(r => r.Id).Concat(lower.Escalation.Select(e => e.Id)).Concat(lower.Diff.Select(d => d.Id)).Concat(lower.Exceptions.Select(e => e.Id)))
        {
            ruleLayers[id] = lowerName;
        }

        foreach (var key in s_baseOnly)
        {
            m.BaseOnly(key);
        }

        if (lower.Written.TryGetValue("riskLevels", out var levelsAt) && !lower.RiskLevels.SequenceEqual(upper.RiskLevels))
        {
            m.Loosens($"An overlay may not change the risk levels ({string.Join(", ", upper.RiskLevels)}, set by {m.UpperFile}).", levelsAt);
        }

        var layers = upper.Layers.Count > 0 ? upper.Layers.ToList() : [new PolicyLayerInfo(upperName, upper.SourcePath, upper.Hash)];
        layers.Add(new PolicyLayerInfo(lowerName, lower.SourcePath, lower.Hash));
        return upper with
        {
            SourcePath = lower.SourcePath,
            Hash = PolicyLoader.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", layers.Select(l => l.Hash)))),
            Metadata = lower.Written.ContainsKey("metadata") ? lower.Metadata : upper.Metadata,
            Actions = m.Actions(),
            Autonomy = m.Autonomy(),
            Risks = m.Risks(),
            Escalation = m.Escalation(),
            Diff = m.Diff(),
            Tools = m.Tools(),
            Exceptions = m.Exceptions(),
            Base = null,
            Written = upper.Written,
            Layers = layers,
            RuleLayers = ruleLayers,
        };
    }

    /// <summary>"file:line" of a place, for messages that name two.</summary>
    public static string Where(SourceLocation? at) => at is null ? "(built in)" : $"{at.Path}:{at.Line}";

    private sealed class Merger(PolicyDocument upper, PolicyDocument lower, List<PolicyDiagnostic> diagnostics)
    {
        public string UpperFile => upper.SourcePath;

        private SourceLocation Fallback => new(lower.SourcePath, 1, 1);

        public void Loosens(string message, SourceLocation? at) =>
            diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.LayerLoosens, DiagnosticSeverity.Error, message, at ?? Fallback));

        private bool Wrote(string key, out SourceLocation at)
        {
            if (lower.Written.TryGetValue(key, out var found))
            {
                at = found;
                return true;
            }

            at = Fallback;
            return false;
        }

        public void BaseOnly(string key)
        {
            if (Wrote(key, out var at))
            {
                var theirs = upper.Written.TryGetValue(key, out var u) ? $" ({Where(u)})" : "";
                Loosens($"An overlay may not redefine '{key}': the base {UpperFile}{theirs} defines it, and a change there could loosen it.", at);
            }
        }

        private int Risk(string level) => IndexOf(upper.RiskLevels, level);

        /// <summary>Risk: higher or equal is tighter.</summary>
        private void RiskAtLeast(string lowerLevel, string upperLevel, string what, SourceLocation? at, SourceLocation? upperAt)
        {
            var l = Risk(lowerLevel);
            var u = Risk(upperLevel);
            if (l >= 0 && u >= 0 && l < u)
            {
                Loosens($"{what} '{lowerLevel}' at {Where(at)} is below the base's '{upperLevel}' at {Where(upperAt)}: an overlay may only raise a risk.", at);
            }
        }

        /// <summary>Verdicts: deny ≥ escalate ≥ allow.</summary>
        private void VerdictAtLeast(OutcomeRule lowerRule, OutcomeRule upperRule, string what)
        {
            if (lowerRule.Verdict < upperRule.Verdict)
            {
                Loosens($"{what} '{lowerRule.Id}' at {Where(lowerRule.Location)} answers {lowerRule.Verdict.ToWire()}, below the base's {upperRule.Verdict.ToWire()} ('{upperRule.Id}' at {Where(upperRule.Location)}).", lowerRule.Location);
            }
        }

        private void Subset(IReadOnlyList<string> lowerList, IReadOnlyList<string> upperList, string what, SourceLocation at)
        {
            foreach (var extra in lowerList.Where(x => !upperList.Contains(x)))
            {
                Loosens($"{what} '{extra}' at {Where(at)} is not in the base's list ({UpperFile}): an overlay may only remove entries here.", at);
            }
        }

        private static IReadOnlyList<string> Union(IReadOnlyList<string> a, IReadOnlyList<string> b) => a.Concat(b.Where(x => !a.Contains(x))).ToArray();

        public ActionSettings Actions()
        {
            var u = upper.Actions;
            var l = lower.Actions;
            var merged = u;
            if (Wrote("actions.mode", out var modeAt) && l.Mode != u.Mode)
            {
                Loosens($"actions.mode '{l.Mode}' at {Where(modeAt)} differs from the base's '{u.Mode}' ({UpperFile}): an overlay may not change how commands are judged.", modeAt);
            }

            foreach (var key in s_actionRisks)
            {
                if (Wrote("actions." + key, out var at))
                {
                    var lv = ActionRisk(l, key);
                    var uv = ActionRisk(u, key);
                    RiskAtLeast(lv, uv, "actions." + key, at, upper.Written.TryGetValue("actions." + key, out var ua) ? ua : null);
                    merged = WithActionRisk(merged, key, Risk(lv) >= Risk(uv) ? lv : uv);
                }
            }

            if (Wrote("actions.protectedPaths", out _))
            {
                merged = merged with { ProtectedPaths = Union(u.ProtectedPaths, l.ProtectedPaths) };
            }

            if (Wrote("actions.secretPaths", out _))
            {
                merged = merged with { SecretPaths = Union(u.SecretPaths, l.SecretPaths) };
            }

            if (Wrote("actions.workspaceExtraPaths", out var extraAt))
            {
                Subset(l.WorkspaceExtraPaths, u.WorkspaceExtraPaths, "actions.workspaceExtraPaths entry", extraAt);
                merged = merged with { WorkspaceExtraPaths = l.WorkspaceExtraPaths.Where(u.WorkspaceExtraPaths.Contains).ToArray() };
            }

            if (Wrote("actions.tempPaths", out var tempAt))
            {
                Subset(l.TempPaths, u.TempPaths, "actions.tempPaths entry", tempAt);
                merged = merged with { TempPaths = l.TempPaths.Where(u.TempPaths.Contains).ToArray() };
            }

            if (Wrote("actions.allowlist", out var allowAt))
            {
                var kept = new List<AllowedProgramDef>();
                foreach (var entry in l.Allowlist)
                {
                    var theirs = u.Allowlist.FirstOrDefault(a => a.Program == entry.Program);
                    if (theirs is null)
                    {
                        Loosens($"Allowlisted program '{entry.Program}' at {Where(entry.Location ?? allowAt)} is not on the base's allowlist ({UpperFile}).", entry.Location ?? allowAt);
                        continue;
                    }

                    if (theirs.Subcommands.Count > 0 && (entry.Subcommands.Count == 0 || entry.Subcommands.Any(s => !theirs.Subcommands.Contains(s))))
                    {
                        Loosens($"Allowlisted program '{entry.Program}' at {Where(entry.Location)} allows subcommands the base's entry at {Where(theirs.Location)} does not ({string.Join(", ", theirs.Subcommands)}).", entry.Location ?? allowAt);
                    }

                    if (theirs.DeniedFlags.Any(f => !entry.DeniedFlags.Contains(f)))
                    {
                        Loosens($"Allowlisted program '{entry.Program}' at {Where(entry.Location)} drops denied flags of the base's entry at {Where(theirs.Location)}.", entry.Location ?? allowAt);
                    }

                    kept.Add(entry);
                }

                merged = merged with { Allowlist = kept };
            }

            if (Wrote("actions.programVariables", out var varsAt))
            {
                Loosens($"An overlay may not redefine actions.programVariables (the base {UpperFile} defines what programs variables name).", varsAt);
            }

            return merged;
        }

        private static string ActionRisk(ActionSettings a, string key) => key switch
        {
            "defaultRisk" => a.DefaultRisk,
            "unlistedRisk" => a.UnlistedRisk,
            "unknownRisk" => a.UnknownRisk,
            "outsideWorkspaceRisk" => a.OutsideWorkspaceRisk,
            "outsideWorkspaceReadRisk" => a.OutsideWorkspaceReadRisk,
            _ => a.ProtectedPathRisk,
        };

        private static ActionSettings WithActionRisk(ActionSettings a, string key, string value) => key switch
        {
            "defaultRisk" => a with { DefaultRisk = value },
            "unlistedRisk" => a with { UnlistedRisk = value },
            "unknownRisk" => a with { UnknownRisk = value },
            "outsideWorkspaceRisk" => a with { OutsideWorkspaceRisk = value },
            "outsideWorkspaceReadRisk" => a with { OutsideWorkspaceReadRisk = value },
            _ => a with { ProtectedPathRisk = value },
        };

        public AutonomySettings Autonomy()
        {
            var u = upper.Autonomy;
            var l = lower.Autonomy;
            var merged = u;
            if (Wrote("autonomy.levels", out _))
            {
                var levels = u.Levels.ToList();
                foreach (var level in l.Levels)
                {
                    var index = levels.FindIndex(x => x.Id == level.Id);
                    if (index < 0)
                    {
                        Loosens($"Autonomy level '{level.Id}' at {Where(level.Location)} is not a level of the base ({UpperFile}): an overlay may not add levels.", level.Location);
                        continue;
                    }

                    var theirs = levels[index];
                    RiskAtMost(level.AllowUpTo, theirs.AllowUpTo, $"Autonomy level '{level.Id}' allowUpTo", level.Location, theirs.Location);
                    RiskAtMost(level.EscalateUpTo, theirs.EscalateUpTo, $"Autonomy level '{level.Id}' escalateUpTo", level.Location, theirs.Location);
                    levels[index] = level;
                }

                merged = merged with { Levels = levels };
            }

            if (Wrote("autonomy.default", out var defaultAt))
            {
                var ids = u.Levels.Select(x => x.Id).ToList();
                if (ids.IndexOf(l.Default) > ids.IndexOf(u.Default))
                {
                    Loosens($"autonomy.default '{l.Default}' at {Where(defaultAt)} is a more autonomous level than the base's '{u.Default}' ({UpperFile}).", defaultAt);
                }

                merged = merged with { Default = l.Default };
            }

            if (Wrote("autonomy.promoteAfterSuccesses", out var promoteAt))
            {
                // Fewer successes to move up is looser; 0 means never, the tightest.
                var tight = l.PromoteAfterSuccesses == 0 || (u.PromoteAfterSuccesses != 0 && l.PromoteAfterSuccesses >= u.PromoteAfterSuccesses);
                if (!tight)
                {
                    Loosens($"autonomy.promoteAfterSuccesses {l.PromoteAfterSuccesses} at {Where(promoteAt)} promotes sooner than the base's {Describe(u.PromoteAfterSuccesses)} ({UpperFile}).", promoteAt);
                }

                merged = merged with { PromoteAfterSuccesses = l.PromoteAfterSuccesses };
            }

            if (Wrote("autonomy.demoteAfterFailures", out var demoteAt))
            {
                // More failures before moving down is looser; 0 means never, the loosest.
                var tight = u.DemoteAfterFailures == 0 || (l.DemoteAfterFailures != 0 && l.DemoteAfterFailures <= u.DemoteAfterFailures);
                if (!tight)
                {
                    Loosens($"autonomy.demoteAfterFailures {l.DemoteAfterFailures} at {Where(demoteAt)} demotes later than the base's {Describe(u.DemoteAfterFailures)} ({UpperFile}).", demoteAt);
                }

                merged = merged with { DemoteAfterFailures = l.DemoteAfterFailures };
            }

            if (Wrote("autonomy.aboveLevel", out _))
            {
                VerdictAtLeast(l.AboveLevel, u.AboveLevel, "autonomy.aboveLevel");
                merged = merged with { AboveLevel = l.AboveLevel };
            }

            if (Wrote("autonomy.farAboveLevel", out _))
            {
                VerdictAtLeast(l.FarAboveLevel, u.FarAboveLevel, "autonomy.farAboveLevel");
                merged = merged with { FarAboveLevel = l.FarAboveLevel };
            }

            return merged;
        }

        private static string Describe(int count) => count == 0 ? "never" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Autonomy thresholds: lower or equal is stricter.</summary>
        private void RiskAtMost(Located<string> lowerLevel, Located<string> upperLevel, string what, SourceLocation? at, SourceLocation? upperAt)
        {
            var l = Risk(lowerLevel.Value);
            var u = Risk(upperLevel.Value);
            if (l >= 0 && u >= 0 && l > u)
            {
                Loosens($"{what} '{lowerLevel.Value}' at {Where(lowerLevel.Location ?? at)} is above the base's '{upperLevel.Value}' at {Where(upperLevel.Location ?? upperAt)}: an overlay may only lower what a level may do.", lowerLevel.Location ?? at);
            }
        }

        public IReadOnlyList<RiskRuleDef> Risks()
        {
            var merged = upper.Risks.ToList();
            foreach (var rule in lower.Risks)
            {
                var index = merged.FindIndex(r => r.Id == rule.Id);
                if (index < 0)
                {
                    merged.Add(rule);
                    continue;
                }

                var theirs = merged[index];
                if (rule.Command is not null || rule.Path is not null || rule.Tool is not null || rule.Effect is not null || rule.When is not null)
                {
                    Loosens($"Risk rule '{rule.Id}' at {Where(rule.Location)} changes what the base's rule '{theirs.Id}' at {Where(theirs.Location)} matches: an overlay may raise its risk, not change its matcher (add a rule with a new id instead).", rule.Location);
                }

                RiskAtLeast(rule.Risk.Value, theirs.Risk.Value, $"Risk rule '{rule.Id}' risk", rule.Risk.Location ?? rule.Location, theirs.Risk.Location ?? theirs.Location);
                EnforcedAtLeast(rule.Id, rule.Enforcement, rule.Location, theirs.Enforcement, theirs.Location);
                merged[index] = theirs with
                {
                    Enforcement = Stricter(rule.Enforcement, theirs.Enforcement),
                    Risk = Risk(rule.Risk.Value) >= Risk(theirs.Risk.Value) ? rule.Risk : theirs.Risk,
                    Message = rule.Message.Length > 0 ? rule.Message : theirs.Message,
                    Alternative = rule.Alternative ?? theirs.Alternative,
                };
            }

            return merged;
        }

        /// <summary>Enforcement: enforce ≥ warn ≥ shadow (a rule re-declared without the key is enforced).</summary>
        private void EnforcedAtLeast(string id, Enforcement lowerLevel, SourceLocation? at, Enforcement upperLevel, SourceLocation? upperAt)
        {
            if (lowerLevel > upperLevel)
            {
                Loosens($"Rule '{id}' at {Where(at)} is '{lowerLevel.ToWire()}', less enforced than the base's '{upperLevel.ToWire()}' at {Where(upperAt)}.", at);
            }
        }

        private static Enforcement Stricter(Enforcement a, Enforcement b) => a < b ? a : b;

        public IReadOnlyList<EscalationRuleDef> Escalation()
        {
            var merged = upper.Escalation.ToList();
            foreach (var rule in lower.Escalation)
            {
                var index = merged.FindIndex(r => r.Id == rule.Id);
                if (index < 0)
                {
                    if (rule.Condition is null && rule.When is null)
                    {
                        diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.EmptyRule, DiagnosticSeverity.Error, $"Escalation rule '{rule.Id}' needs a 'condition' or a 'when' predicate (it is not a rule of the base).", rule.Location ?? Fallback));
                    }

                    merged.Add(rule);
                    continue;
                }

                var theirs = merged[index];
                if (rule.Condition is not null || rule.When is not null)
                {
                    Loosens($"Escalation rule '{rule.Id}' at {Where(rule.Location)} changes the condition of the base's rule at {Where(theirs.Location)}: an overlay may raise its severity only (add a rule with a new id instead).", rule.Location);
                }

                if (rule.Severity < theirs.Severity)
                {
                    Loosens($"Escalation rule '{rule.Id}' severity {rule.Severity.ToWire()} at {Where(rule.Location)} is below the base's {theirs.Severity.ToWire()} at {Where(theirs.Location)}.", rule.Location);
                }

                EnforcedAtLeast(rule.Id, rule.Enforcement, rule.Location, theirs.Enforcement, theirs.Location);
                merged[index] = theirs with
                {
                    Severity = rule.Severity > theirs.Severity ? rule.Severity : theirs.Severity,
                    Message = rule.Message.Length > 0 ? rule.Message : theirs.Message,
                    Enforcement = Stricter(rule.Enforcement, theirs.Enforcement),
                };
            }

            return merged;
        }

        public IReadOnlyList<DiffRuleDef> Diff()
        {
            var merged = upper.Diff.ToList();
            foreach (var rule in lower.Diff)
            {
                var index = merged.FindIndex(r => r.Id == rule.Id);
                if (index < 0)
                {
                    merged.Add(rule);
                    continue;
                }

                var theirs = merged[index];
                foreach (var problem in DiffLoosenings(rule, theirs))
                {
                    Loosens($"Diff rule '{rule.Id}' at {Where(rule.Location)} loosens the base's rule at {Where(theirs.Location)}: {problem}.", rule.Location);
                }

                merged[index] = rule;
            }

            return merged;
        }

        /// <summary>
        /// What makes a redefined diff rule looser: another kind; a lower severity; a cap raised or dropped; fewer
        /// checked paths, patterns or source paths; more allowed (scope), excluded, allowed-value or test paths; a higher
        /// entropy threshold; another marker, schema or symbol list.
        /// </summary>
        private static IEnumerable<string> DiffLoosenings(DiffRuleDef l, DiffRuleDef u)
        {
            if (l.Kind != u.Kind)
            {
                yield return $"its kind is '{l.Kind}', the base's '{u.Kind}'";
                yield break;
            }

            if (l.Severity < u.Severity)
            {
                yield return $"severity {l.Severity.ToWire()} is below {u.Severity.ToWire()}";
            }

            if (l.Enforcement > u.Enforcement)
            {
                yield return $"it is '{l.Enforcement.ToWire()}', less enforced than '{u.Enforcement.ToWire()}'";
            }

            if (u.Max is { } max && (l.Max is null || l.Max > max))
            {
                yield return $"max {(l.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)")} is above {max}";
            }

            if (u.MaxPerFile is { } perFile && (l.MaxPerFile is null || l.MaxPerFile > perFile))
            {
                yield return $"maxPerFile {(l.MaxPerFile?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)")} is above {perFile}";
            }

            // For scope the paths are what a change may touch (fewer is tighter); for every other kind, what is checked.
            var pathsMissing = l.Kind == "scope" ? l.Paths.Where(p => !u.Paths.Contains(p)) : u.Paths.Where(p => !l.Paths.Contains(p));
            foreach (var path in pathsMissing)
            {
                yield return l.Kind == "scope" ? $"it allows '{path}', which the base does not" : $"it no longer checks '{path}'";
            }

            foreach (var (mine, theirs, what) in new[]
            {
                (l.ExcludePaths, u.ExcludePaths, "excludes"),
                (l.Allow, u.Allow, "allows"),
                (l.TestPaths, u.TestPaths, "counts as tests"),
            })
            {
                foreach (var extra in mine.Where(x => !theirs.Contains(x)))
                {
                    yield return $"it {what} '{extra}', which the base does not";
                }
            }

            foreach (var (mine, theirs, what) in new[] { (l.Patterns, u.Patterns, "pattern"), (l.SourcePaths, u.SourcePaths, "source path") })
            {
                foreach (var missing in theirs.Where(x => !mine.Contains(x)))
                {
                    yield return $"it drops the {what} '{missing}'";
                }
            }

            if (u.Threshold is { } threshold && (l.Threshold is null || l.Threshold > threshold))
            {
                yield return $"threshold {l.Threshold?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} is above {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            }

            if (l.Marker != u.Marker || l.Schema != u.Schema || !l.Symbols.SequenceEqual(u.Symbols))
            {
                yield return "it changes the marker, schema or symbols";
            }
        }

        public ToolSettings Tools()
        {
            var u = upper.Tools;
            var l = lower.Tools;
            var merged = u;
            if (Wrote("tools.always", out var alwaysAt))
            {
                Subset(l.Always, u.Always, "tools.always entry", alwaysAt);
                merged = merged with { Always = l.Always.Where(u.Always.Contains).ToArray() };
            }

            if (Wrote("tools.notAllowed", out _))
            {
                VerdictAtLeast(l.NotAllowed, u.NotAllowed, "tools.notAllowed");
                merged = merged with { NotAllowed = l.NotAllowed };
            }

            return merged;
        }

        /// <summary>An exception loosens the rule it names: an overlay may grant exceptions to its own rules only.</summary>
        public IReadOnlyList<PolicyExceptionDef> Exceptions()
        {
            var overlayRules = new HashSet<string>(lower.Risks.Where(r => upper.Risks.All(b => b.Id != r.Id)).Select(r => r.Id), StringComparer.Ordinal);
            foreach (var exception in lower.Exceptions)
            {
                var baseRule = upper.Risks.FirstOrDefault(r => r.Id == exception.Rule.Value);
                if (baseRule is not null && !overlayRules.Contains(exception.Rule.Value))
                {
                    Loosens($"Exception '{exception.Id}' at {Where(exception.Location)} waives the base's rule '{baseRule.Id}' at {Where(baseRule.Location)}: exceptions to a base rule belong in the base.", exception.Location);
                }
            }

            return upper.Exceptions.Concat(lower.Exceptions).ToArray();
        }

        private static int IndexOf(IReadOnlyList<string> list, string value)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] == value)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
