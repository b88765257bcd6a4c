using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Autopilot.Generators.Helpers;
using Autopilot.Generators.Model;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Autopilot.Generators;

public sealed partial class PolicyGateGenerator
{
    /// <summary>Namespace of the generated types when no option names one.</summary>
    public const string DefaultNamespace = "Autopilot.Generated";

    internal const string NamespaceProperty = "build_property.AutopilotPolicyNamespace";
    internal const string NamespaceMetadata = "build_metadata.AdditionalFiles.AutopilotNamespace";
    internal const string ClassNameMetadata = "build_metadata.AdditionalFiles.AutopilotClassName";
    internal const string EffectResolverProperty = "build_property.AutopilotEffectResolver";

    internal static bool IsPolicyFile(string path) => path.EndsWith(PolicyFileSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the few facts the rest of the pipeline needs: path, text and options.</summary>
    internal static PolicyInput ReadInput(AdditionalText file, AnalyzerConfigOptionsProvider options, CancellationToken cancellationToken)
    {
        // An unreadable file comes back as null text; the loader then reports it as empty (AP1001).
        var text = file.GetText(cancellationToken)?.ToString() ?? "";
        var fileOptions = options.GetOptions(file);
        var ns = NonEmpty(fileOptions, NamespaceMetadata) ?? NonEmpty(options.GlobalOptions, NamespaceProperty) ?? DefaultNamespace;
        var effects = string.Equals(NonEmpty(options.GlobalOptions, EffectResolverProperty), "true", StringComparison.OrdinalIgnoreCase);
        return new PolicyInput(file.Path, text, ns, NonEmpty(fileOptions, ClassNameMetadata), effects);
    }

    /// <summary>Loads, validates and lowers one policy with Autopilot.Policy, and turns the result into a spec and diagnostics.</summary>
    internal static PolicyParseResult Parse(PolicyInput input, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var text = SourceText.From(input.Text);
        PlanResult compiled;
        try
        {
            // PolicyChecks.None: the JavaScript and JSON Schema engines are not in the compiler; `autopilot policy lint` runs those checks.
            compiled = PlanBuilder.Compile(PolicyLoader.LoadText(input.Text, input.Path), PolicyChecks.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug in the policy compiler must not take the build down silently: fail closed, no gates.
            return new PolicyParseResult(null, new[] { At(input.Path, text, 1, 1, 0, DiagnosticDescriptors.CompilerFailureId, false, $"{ex.GetType().Name}: {ex.Message}") }.ToEquatableArray());
        }

        var diagnostics = compiled.Diagnostics
            .Select(d => At(input.Path, text, d.Location.Line, d.Location.Column, d.Location.Length, d.Id, d.Severity == Policy.Diagnostics.DiagnosticSeverity.Warning, d.Message))
            .ToList();
        if (compiled.Plan is not { } plan)
        {
            return new PolicyParseResult(null, diagnostics.ToEquatableArray());
        }

        var className = input.ClassName ?? ClassNameFromPath(input.Path);
        if (!Identifiers.IsValidNamespace(input.Namespace))
        {
            diagnostics.Add(At(input.Path, text, 1, 1, 0, DiagnosticDescriptors.InvalidOptionId, false, "Namespace", input.Namespace, "namespace", "AutopilotPolicyNamespace or AutopilotNamespace"));
        }

        if (!Identifiers.IsValidTypeName(className))
        {
            diagnostics.Add(At(input.Path, text, 1, 1, 0, DiagnosticDescriptors.InvalidOptionId, false, "Class name", className, "type name", "AutopilotClassName"));
        }

        if (diagnostics.Any(d => !d.IsWarning))
        {
            return new PolicyParseResult(null, diagnostics.ToEquatableArray());
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new PolicyParseResult(BuildSpec(plan, input, className), diagnostics.ToEquatableArray());
    }

    /// <summary><c>strict-allowlist.policy.yaml</c> → <c>StrictAllowlistPolicy</c>.</summary>
    internal static string ClassNameFromPath(string path)
    {
        var file = Path.GetFileName(path);
        var stem = file.Substring(0, file.Length - PolicyFileSuffix.Length);
        var name = Identifiers.ToPascalCase(stem);
        return name.EndsWith("Policy", StringComparison.Ordinal) ? name : name + "Policy";
    }

    /// <summary>Finds policies that would generate a type an earlier one (by path) already generates.</summary>
    internal static NameClashes FindClashes(ImmutableArray<GeneratedName> names)
    {
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        var paths = new List<string>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var name in names.OrderBy(n => n.SourcePath, StringComparer.Ordinal))
        {
            var full = $"{name.Namespace}.{name.ClassName}";
            if (first.TryGetValue(full, out var earlier))
            {
                paths.Add(name.SourcePath);
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TypeClashId, false, new[] { full, Path.GetFileName(earlier) }.ToEquatableArray(), name.SourcePath, 0, 0, 0, 0, 0, 0));
            }
            else
            {
                first[full] = name.SourcePath;
            }
        }

        return new NameClashes(paths.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static PolicySpec BuildSpec(PolicyPlan plan, PolicyInput input, string className)
    {
        var doc = plan.Document;
        var n = plan.PhaseCount;

        var phaseIds = Identifiers.Distinct(plan.Phases, "Phase");
        var evidence = plan.Evidence.Take(64).ToArray();
        var evidenceIds = Identifiers.Distinct(evidence.Select(e => e.Id).ToArray(), "Evidence", "None");
        var riskIds = Identifiers.Distinct(plan.RiskLevels, "RiskLevel");
        var levelIds = Identifiers.Distinct(plan.AutonomyLevels, "AutonomyLevel");

        var phases = new List<PhaseTransitionSpec>(n);
        for (var from = 0; from < n; from++)
        {
            var forward = Enumerable.Range(0, n).Where(to => plan.Classify(from, to) == TransitionKind.Forward).ToEquatableArray();
            phases.Add(new PhaseTransitionSpec(forward, plan.RequiredEvidence[from]));
        }

        var t = doc.Transitions;
        var transitions = new TransitionSpec(
            t.Skip.Verdict,
            t.Backtrack.Verdict,
            t.MissingEvidence.Verdict,
            t.SamePhase.Verdict,
            // As the interpreter: an unknown phase index is never allowed outright.
            VerdictExtensions.Max(t.UnknownPhase.Verdict, Verdict.Escalate),
            phases.ToEquatableArray());

        // The autonomy table's rows are monotone (allow, then escalate, then deny): keep the two thresholds.
        var risks = plan.RiskLevels.Count;
        var levels = new List<AutonomyLevelSpec>();
        for (var l = 0; l < plan.AutonomyLevels.Count; l++)
        {
            var row = Enumerable.Range(0, risks).Select(r => plan.AutonomyTable[(l * risks) + r]).ToArray();
            levels.Add(new AutonomyLevelSpec(
                plan.AutonomyLevels[l],
                levelIds[l],
                doc.Autonomy.Levels[l].Description,
                row.Count(v => v == Verdict.Allow) - 1,
                row.Count(v => v != Verdict.Deny) - 1));
        }

        var rules = RuleIds(doc);
        var ruleIds = Identifiers.Distinct(rules.Select(r => r.Id).ToArray(), "RuleId");
        var ruleIdentifier = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            ruleIdentifier[rules[i].Id] = ruleIds[i];
        }

        var escalationIds = Identifiers.Distinct(plan.Escalation.Select(e => e.Rule.Id).ToArray(), "EscalationRules", "None");
        var escalation = plan.Escalation
            .Select((e, i) => new EscalationSpec(e.Rule.Id, escalationIds[i], e.Rule.Message, e.Rule.Severity, i < 64 ? i : -1, e.Condition is null ? null : Lower(e.Condition)))
            .ToEquatableArray();

        return new PolicySpec
        {
            Namespace = input.Namespace,
            ClassName = className,
            SourcePath = input.Path,
            FileName = Path.GetFileName(input.Path),
            Name = doc.Metadata.Name,
            Version = doc.Metadata.Version,
            Description = doc.Metadata.Description,
            Hash = plan.PolicyHash,
            Phases = plan.Phases.Select((id, i) => new NamedSpec(id, phaseIds[i], doc.Phases[i].Description)).ToEquatableArray(),
            Evidence = evidence.Select((e, i) => new NamedSpec(e.Id, evidenceIds[i], e.Path)).ToEquatableArray(),
            RiskLevels = plan.RiskLevels.Select((id, i) => new NamedSpec(id, riskIds[i], "")).ToEquatableArray(),
            AutonomyLevels = levels.ToEquatableArray(),
            DefaultAutonomyLevel = plan.AutonomyLevels.Count > 0 ? plan.DefaultAutonomyLevel : -1,
            RuleIds = rules.Select((r, i) => new NamedSpec(r.Id, ruleIds[i], r.Description)).ToEquatableArray(),
            Transitions = transitions,
            Escalation = escalation,
            Effects = input.EffectResolver ? BuildEffects(plan.Packs, plan.PacksHash) : null,
            Events = input.EffectResolver && Policy.Loading.YamlEventCache.Record(input.Text) is { } events ? Convert.ToBase64String(events) : null,
        };
    }

    /// <summary>The plan's packs, lowered as the interpreter (ProgramPacks) reads them: subcommands longest first, splits decided.</summary>
    internal static EffectResolverSpec BuildEffects(IReadOnlyList<Policy.Packs.PackDef> packs, string packsHash)
    {
        var programs = new List<ProgramSpec>();
        var environment = new List<EnvironmentSpec>();
        foreach (var pack in packs)
        {
            foreach (var variable in pack.Environment)
            {
                environment.Add(new EnvironmentSpec(pack.Name, variable.Names.ToEquatableArray(), variable.Effects.Select(LowerEffect).ToEquatableArray()));
            }

            foreach (var program in pack.Programs)
            {
                var own = program.ValueFlags.Distinct(StringComparer.Ordinal).ToList();
                var subcommands = program.Subcommands
                    .OrderByDescending(s => s.Words.Count)
                    .Select(s =>
                    {
                        var flags = s.ValueFlags.Concat(program.ValueFlags).Distinct(StringComparer.Ordinal).ToList();
                        return new SubcommandSpec(s.Words.ToEquatableArray(), flags.ToEquatableArray(), flags.Count == own.Count, s.Effects.Select(LowerEffect).ToEquatableArray());
                    })
                    .ToEquatableArray();
                programs.Add(new ProgramSpec(
                    pack.Name,
                    program.Names.ToEquatableArray(),
                    own.ToEquatableArray(),
                    program.Effects.Select(LowerEffect).ToEquatableArray(),
                    subcommands,
                    program.Otherwise.Select(LowerEffect).ToEquatableArray(),
                    Lower(program.Location),
                    program.OldStyleFlags));
            }
        }

        return new EffectResolverSpec(packsHash, Policy.Packs.PackLoader.ManifestOf(packs), packs.Select(p => p.Name).ToEquatableArray(), programs.ToEquatableArray(), environment.ToEquatableArray());
    }

    private static EffectSpec LowerEffect(Policy.Packs.EffectDef e) => new()
    {
        Effect = e.Effect,
        Targets = e.Targets,
        Skip = e.Skip,
        NoSkipWith = e.NoSkipWith.ToEquatableArray(),
        TargetFlags = e.TargetFlags.ToEquatableArray(),
        TargetPrefix = e.TargetPrefix,
        Within = e.Within,
        IfFlags = e.IfFlags.ToEquatableArray(),
        IfNotFlags = e.IfNotFlags.ToEquatableArray(),
        IfArgs = e.IfArgs.ToEquatableArray(),
        IfNotArgs = e.IfNotArgs.ToEquatableArray(),
        IfFlagValues = e.IfFlagValues.Select(fv => new FlagValueSpec(fv.Flag, fv.Values.ToEquatableArray())).ToEquatableArray(),
        IfOperands = e.IfOperands,
        Recursive = e.Recursive.ToEquatableArray(),
        Method = e.Method,
        MethodFlags = e.MethodFlags.ToEquatableArray(),
        Reason = e.Reason,
        Alternative = e.Alternative,
        Location = Lower(e.Location),
    };

    private static LocationSpec? Lower(SourceLocation? l) => l is null ? null : new LocationSpec(l.Path, l.Line, l.Column, l.Length, l.Offset);

    /// <summary>Every rule id a finding can carry: the built-in outcome rules, then risks, escalation, failures and diff rules (first wins on a repeat).</summary>
    private static List<(string Id, string Description)> RuleIds(PolicyDocument doc)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rules = new List<(string Id, string Description)>();
        void Add(string id, string description)
        {
            if (id.Length > 0 && seen.Add(id))
            {
                rules.Add((id, description));
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

        return rules;
    }

    private static ConditionSpec Lower(ConditionPlan c) =>
        new(c.Op, c.Signal, c.Value, c.Children.Select(Lower).ToEquatableArray());

    /// <summary>A diagnostic at a 1-based line and column of the policy text (clamped into it), in Roslyn's 0-based terms.</summary>
    private static DiagnosticInfo At(string path, SourceText text, int line, int column, int length, string id, bool isWarning, params string[] args)
    {
        var lineIndex = Math.Min(Math.Max(line - 1, 0), text.Lines.Count - 1);
        var lineSpan = text.Lines[lineIndex].Span;
        var start = lineSpan.Start + Math.Min(Math.Max(column - 1, 0), lineSpan.Length);
        var end = Math.Min(start + Math.Max(length, 0), text.Length);
        var startPosition = text.Lines.GetLinePosition(start);
        var endPosition = text.Lines.GetLinePosition(end);
        return new DiagnosticInfo(id, isWarning, args.ToEquatableArray(), path, start, end - start, startPosition.Line, startPosition.Character, endPosition.Line, endPosition.Character);
    }

    private static string? NonEmpty(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
