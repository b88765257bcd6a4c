using System.Collections.Generic;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Loading;

/// <summary>Binds each section of a policy file to the model. The key lists here are the language's vocabulary.</summary>
internal sealed class DocumentBinder
{
    private readonly YamlBinder _b;
    private readonly Dictionary<string, SourceLocation> _written = new(System.StringComparer.Ordinal);

    /// <summary>True when the file names a base: it is an overlay, and may leave out what the base defines.</summary>
    private bool _overlay;

    public DocumentBinder(YamlBinder binder) => _b = binder;

    public PolicyDocument Bind(YamlNode root)
    {
        var map = _b.Mapping(root, "the policy", PolicyLoader.TopKeys);
        if (map is null)
        {
            return new PolicyDocument();
        }

        var apiVersion = YamlBinder.Get(map, "apiVersion");
        if (apiVersion is not null)
        {
            _b.Choice(apiVersion, "apiVersion", "autopilot/v1");
        }

        var baseDef = BindBase(YamlBinder.Get(map, "base"));
        _overlay = baseDef is not null;
        Mark("", map);
        var phasesNode = _overlay ? YamlBinder.Get(map, "phases") : _b.Require(map, "phases", "The policy", root);
        var riskLevels = YamlBinder.Get(map, "riskLevels") is { } rl ? _b.Strings(rl, "riskLevels") : PolicyDocument.DefaultRiskLevels;

        return new PolicyDocument
        {
            Metadata = BindMetadata(YamlBinder.Get(map, "metadata")),
            RiskLevels = riskLevels,
            Phases = BindPhases(phasesNode),
            Transitions = BindTransitions(YamlBinder.Get(map, "transitions")),
            Evidence = BindEvidence(YamlBinder.Get(map, "evidence")),
            Autonomy = BindAutonomy(YamlBinder.Get(map, "autonomy")),
            Actions = BindActions(YamlBinder.Get(map, "actions"), riskLevels),
            Packs = _b.LocatedStrings(YamlBinder.Get(map, "packs"), "packs"),
            Risks = BindList(YamlBinder.Get(map, "risks"), "risks", BindRisk),
            Escalation = BindList(YamlBinder.Get(map, "escalation"), "escalation", BindEscalation),
            Failures = BindFailures(YamlBinder.Get(map, "failures")),
            Tools = BindTools(YamlBinder.Get(map, "tools")),
            Attestation = BindAttestation(YamlBinder.Get(map, "attestation")),
            Diff = BindList(YamlBinder.Get(map, "diff"), "diff", BindDiffRule),
            Exceptions = BindList(YamlBinder.Get(map, "exceptions"), "exceptions", BindException),
            Base = baseDef,
            Written = _written,
        };
    }

    /// <summary>Records which keys of <paramref name="map"/> the file wrote, as <c>prefix.key</c>.</summary>
    private void Mark(string prefix, YamlMappingNode? map)
    {
        if (map is null)
        {
            return;
        }

        foreach (var pair in map.Children)
        {
            if (pair.Key is YamlScalarNode { Value: { } key })
            {
                _written[prefix.Length == 0 ? key : prefix + "." + key] = _b.At(pair.Key);
            }
        }
    }

    private PolicyBaseDef? BindBase(YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var map = _b.Mapping(node, "base", "path", "package", "version", "source", "sha256");
        if (map is null)
        {
            return null;
        }

        var result = new PolicyBaseDef
        {
            Path = _b.String(YamlBinder.Get(map, "path"), "base.path"),
            Package = _b.String(YamlBinder.Get(map, "package"), "base.package"),
            Version = _b.String(YamlBinder.Get(map, "version"), "base.version"),
            Source = _b.String(YamlBinder.Get(map, "source"), "base.source"),
            Sha256 = _b.LocatedString(YamlBinder.Get(map, "sha256"), "base.sha256"),
            Location = _b.At(node),
        };
        if ((result.Path is null) == (result.Package is null))
        {
            _b.Error(PolicyDiagnosticIds.MissingKey, "base needs exactly one of 'path' (a policy file or folder) and 'package' (a NuGet package id with 'version' and 'sha256').", node);
        }
        else if (result.Package is not null && (result.Version is null || result.Sha256 is null))
        {
            _b.Error(PolicyDiagnosticIds.MissingKey, "A base package is pinned: it needs 'version' and 'sha256' (of the .nupkg).", node);
        }

        if (result.Sha256 is { } sha && !IsSha256(sha.Value))
        {
            _b.Error(PolicyDiagnosticIds.InvalidValue, $"base.sha256 must be 64 hexadecimal characters, found '{sha.Value}'.", YamlBinder.Get(map, "sha256")!);
        }

        return result;
    }

    private static bool IsSha256(string text) =>
        text.Length == 64 && System.Linq.Enumerable.All(text, c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F'));

    private PolicyExceptionDef? BindException(YamlNode item)
    {
        var map = _b.Mapping(item, "an exception", "id", "rule", "paths", "commands", "tools", "tasks", "owner", "reason", "expires");
        if (map is null)
        {
            return null;
        }

        // Every one is required: an exception nobody owns, nobody explained or that never ends is a hole in the policy.
        var id = _b.String(_b.Require(map, "id", "An exception", item), "exception id");
        var rule = _b.LocatedString(_b.Require(map, "rule", "An exception", item), "exception rule");
        var owner = _b.String(_b.Require(map, "owner", "An exception", item), "exception owner");
        var reason = _b.String(_b.Require(map, "reason", "An exception", item), "exception reason");
        var expiresNode = _b.Require(map, "expires", "An exception", item);
        var expiresText = _b.String(expiresNode, "exception expires");
        var expires = System.DateTime.MaxValue;
        if (expiresText is not null && !System.DateTime.TryParseExact(expiresText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out expires))
        {
            _b.Error(PolicyDiagnosticIds.InvalidValue, $"exception expires must be a date written YYYY-MM-DD, found '{expiresText}'.", expiresNode!);
        }

        foreach (var (value, key) in new[] { (owner, "owner"), (reason, "reason") })
        {
            if (value is { } text && text.Trim().Length == 0)
            {
                _b.Error(PolicyDiagnosticIds.MissingKey, $"An exception's '{key}' must not be empty.", YamlBinder.Get(map, key)!);
            }
        }

        var result = new PolicyExceptionDef
        {
            Id = id ?? "",
            Rule = rule ?? new Located<string>("", _b.At(item)),
            Paths = _b.LocatedStrings(YamlBinder.Get(map, "paths"), "exception paths"),
            Commands = _b.LocatedStrings(YamlBinder.Get(map, "commands"), "exception commands"),
            Tools = _b.LocatedStrings(YamlBinder.Get(map, "tools"), "exception tools"),
            Tasks = _b.LocatedStrings(YamlBinder.Get(map, "tasks"), "exception tasks"),
            Owner = owner ?? "",
            Reason = reason ?? "",
            Expires = expires,
            ExpiresLocation = expiresNode is null ? null : _b.At(expiresNode),
            Location = _b.At(item),
        };
        if (!result.HasScope)
        {
            _b.Error(PolicyDiagnosticIds.EmptyRule, "An exception needs a scope: 'paths', 'commands', 'tools' or 'tasks' (an exception everywhere is removing the rule).", item);
        }

        return result;
    }

    private IReadOnlyList<T> BindList<T>(YamlNode? node, string what, System.Func<YamlNode, T?> bindItem)
        where T : class
    {
        var result = new List<T>();
        foreach (var item in _b.Sequence(node, what))
        {
            var bound = bindItem(item);
            if (bound is not null)
            {
                result.Add(bound);
            }
        }

        return result;
    }

    private PolicyMetadata BindMetadata(YamlNode? node)
    {
        if (node is null)
        {
            return new PolicyMetadata();
        }

        var map = _b.Mapping(node, "metadata", "name", "version", "description");
        return new PolicyMetadata
        {
            Name = _b.String(YamlBinder.Get(map, "name"), "metadata.name") ?? "",
            Version = _b.String(YamlBinder.Get(map, "version"), "metadata.version") ?? "",
            Description = _b.String(YamlBinder.Get(map, "description"), "metadata.description") ?? "",
        };
    }

    private IReadOnlyList<PhaseDef> BindPhases(YamlNode? node)
    {
        if (node is YamlSequenceNode { Children.Count: 0 } || (node is YamlScalarNode empty && YamlBinder.IsNull(empty.Value)))
        {
            _b.Error(PolicyDiagnosticIds.MissingKey, "'phases' must list at least one phase.", node);
        }

        return BindList(node, "phases", item =>
        {
            // A bare name is a phase with no evidence and default settings.
            if (item is YamlScalarNode)
            {
                var name = _b.String(item, "a phase");
                return name is null ? null : new PhaseDef { Id = name, Location = _b.At(item) };
            }

            var map = _b.Mapping(item, "a phase", "id", "description", "evidence", "tools", "attestation", "requiresLease");
            if (map is null)
            {
                return null;
            }

            var id = _b.String(_b.Require(map, "id", "A phase", item), "phase id");
            var tools = YamlBinder.Get(map, "tools");
            return new PhaseDef
            {
                Id = id ?? "",
                Description = _b.String(YamlBinder.Get(map, "description"), "phase description") ?? "",
                Evidence = _b.LocatedStrings(YamlBinder.Get(map, "evidence"), "phase evidence"),
                Tools = tools is null ? null : _b.LocatedStrings(tools, "phase tools"),
                AttestationDrift = _b.SeverityValue(YamlBinder.Get(map, "attestation"), "phase attestation"),
                RequiresLease = _b.Bool(YamlBinder.Get(map, "requiresLease"), "requiresLease") ?? false,
                Location = _b.At(item),
            };
        });
    }

    private TransitionSettings BindTransitions(YamlNode? node)
    {
        var defaults = new TransitionSettings();
        if (node is null)
        {
            return defaults;
        }

        var map = _b.Mapping(node, "transitions", "mode", "edges", "skip", "backtrack", "missingEvidence", "invalidEvidence", "unknownPhase", "samePhase");
        var edges = BindList(YamlBinder.Get(map, "edges"), "transitions.edges", item =>
        {
            var edge = _b.Mapping(item, "a transition edge", "from", "to");
            var from = _b.String(_b.Require(edge, "from", "A transition edge", item), "from");
            var to = _b.String(_b.Require(edge, "to", "A transition edge", item), "to");
            return from is null || to is null ? null : new TransitionEdgeDef(from, to, _b.At(item));
        });

        return new TransitionSettings
        {
            Mode = _b.Choice(YamlBinder.Get(map, "mode"), "transitions.mode", "sequential", "explicit") ?? defaults.Mode,
            Edges = edges,
            Skip = BindOutcome(YamlBinder.Get(map, "skip"), "transitions.skip", defaults.Skip),
            Backtrack = BindOutcome(YamlBinder.Get(map, "backtrack"), "transitions.backtrack", defaults.Backtrack),
            MissingEvidence = BindOutcome(YamlBinder.Get(map, "missingEvidence"), "transitions.missingEvidence", defaults.MissingEvidence),
            InvalidEvidence = BindOutcome(YamlBinder.Get(map, "invalidEvidence"), "transitions.invalidEvidence", defaults.InvalidEvidence),
            UnknownPhase = BindOutcome(YamlBinder.Get(map, "unknownPhase"), "transitions.unknownPhase", defaults.UnknownPhase),
            SamePhase = BindOutcome(YamlBinder.Get(map, "samePhase"), "transitions.samePhase", defaults.SamePhase),
        };
    }

    private OutcomeRule BindOutcome(YamlNode? node, string what, OutcomeRule defaults)
    {
        if (node is null)
        {
            return defaults;
        }

        var map = _b.Mapping(node, what, "id", "verdict", "message");
        if (map is null)
        {
            return defaults;
        }

        return new OutcomeRule(
            _b.String(YamlBinder.Get(map, "id"), $"{what}.id") ?? defaults.Id,
            _b.VerdictValue(YamlBinder.Get(map, "verdict"), $"{what}.verdict") ?? defaults.Verdict,
            _b.String(YamlBinder.Get(map, "message"), $"{what}.message") ?? defaults.Message)
        {
            Location = _b.At(node),
        };
    }

    private EvidenceSettings BindEvidence(YamlNode? node)
    {
        if (node is null)
        {
            return new EvidenceSettings();
        }

        var map = _b.Mapping(node, "evidence", "root", "items");
        return new EvidenceSettings
        {
            Root = _b.String(YamlBinder.Get(map, "root"), "evidence.root") ?? new EvidenceSettings().Root,
            Items = BindList(YamlBinder.Get(map, "items"), "evidence.items", BindEvidenceItem),
        };
    }

    private EvidenceDef? BindEvidenceItem(YamlNode item)
    {
        var map = _b.Mapping(item, "an evidence item", "id", "path", "description", "schema", "check", "when");
        if (map is null)
        {
            return null;
        }

        var id = _b.String(_b.Require(map, "id", "An evidence item", item), "evidence id") ?? "";
        var schemaNode = YamlBinder.Get(map, "schema");
        string? schema = null;
        if (schemaNode is YamlMappingNode)
        {
            schema = YamlJson.ToJson(schemaNode);
        }
        else if (schemaNode is not null)
        {
            _b.Error(PolicyDiagnosticIds.WrongType, "evidence schema must be a JSON Schema written as a YAML mapping.", schemaNode);
        }

        return new EvidenceDef
        {
            Id = id,
            Path = _b.String(YamlBinder.Get(map, "path"), "evidence path") ?? "",
            Description = _b.String(YamlBinder.Get(map, "description"), "evidence description") ?? "",
            Schema = schema,
            Check = BindCheck(YamlBinder.Get(map, "check")),
            When = _b.LocatedString(YamlBinder.Get(map, "when"), "when"),
            Location = _b.At(item),
        };
    }

    private static readonly string[] s_checkKinds = ["non-empty", "tests-passed", "build-succeeded", "rubric-threshold"];

    private EvidenceCheckDef? BindCheck(YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode)
        {
            var kind = _b.Choice(node, "evidence check", s_checkKinds);
            return kind is null ? null : new EvidenceCheckDef(kind, 0, _b.At(node));
        }

        var map = _b.Mapping(node, "evidence check", "kind", "threshold");
        var kindValue = _b.Choice(_b.Require(map, "kind", "An evidence check", node), "evidence check kind", s_checkKinds);
        var threshold = _b.Number(YamlBinder.Get(map, "threshold"), "evidence check threshold") ?? 0;
        return kindValue is null ? null : new EvidenceCheckDef(kindValue, threshold, _b.At(node));
    }

    private AutonomySettings BindAutonomy(YamlNode? node)
    {
        var defaults = new AutonomySettings();
        if (node is null)
        {
            return defaults;
        }

        var map = _b.Mapping(node, "autonomy", "default", "levels", "promoteAfterSuccesses", "demoteAfterFailures", "aboveLevel", "farAboveLevel");
        Mark("autonomy", map);
        var levels = BindList(YamlBinder.Get(map, "levels"), "autonomy.levels", item =>
        {
            var level = _b.Mapping(item, "an autonomy level", "id", "description", "allowUpTo", "escalateUpTo");
            if (level is null)
            {
                return null;
            }

            var allow = _b.LocatedString(_b.Require(level, "allowUpTo", "An autonomy level", item), "allowUpTo") ?? new Located<string>("none", _b.At(item));
            return new AutonomyLevelDef
            {
                Id = _b.String(_b.Require(level, "id", "An autonomy level", item), "autonomy level id") ?? "",
                Description = _b.String(YamlBinder.Get(level, "description"), "description") ?? "",
                AllowUpTo = allow,
                EscalateUpTo = _b.LocatedString(YamlBinder.Get(level, "escalateUpTo"), "escalateUpTo") ?? allow,
                Location = _b.At(item),
            };
        });

        return new AutonomySettings
        {
            Levels = levels,
            Default = _b.String(YamlBinder.Get(map, "default"), "autonomy.default") ?? (levels.Count > 0 ? levels[0].Id : ""),
            PromoteAfterSuccesses = _b.Int(YamlBinder.Get(map, "promoteAfterSuccesses"), "promoteAfterSuccesses", 0) ?? 0,
            DemoteAfterFailures = _b.Int(YamlBinder.Get(map, "demoteAfterFailures"), "demoteAfterFailures", 0) ?? 0,
            AboveLevel = BindOutcome(YamlBinder.Get(map, "aboveLevel"), "autonomy.aboveLevel", defaults.AboveLevel),
            FarAboveLevel = BindOutcome(YamlBinder.Get(map, "farAboveLevel"), "autonomy.farAboveLevel", defaults.FarAboveLevel),
        };
    }

    /// <summary>
    /// Action risks the policy does not name default by position in its own risk levels, so that a policy with
    /// custom levels needs no extra keys: unmatched actions get the second lowest, unreadable ones the highest,
    /// writes outside the workspace and protected paths the second highest, reads outside it the middle one.
    /// </summary>
    private static ActionSettings DefaultActions(IReadOnlyList<string> levels)
    {
        var n = levels.Count;
        string At(int index) => n == 0 ? "" : levels[System.Math.Max(0, System.Math.Min(n - 1, index))];
        return new ActionSettings
        {
            DefaultRisk = At(System.Math.Min(1, n - 2)),
            UnlistedRisk = At(n - 2),
            UnknownRisk = At(n - 1),
            OutsideWorkspaceRisk = At(n - 2),
            OutsideWorkspaceReadRisk = At(n / 2),
            ProtectedPathRisk = At(n - 2),
        };
    }

    private ActionSettings BindActions(YamlNode? node, IReadOnlyList<string> riskLevels)
    {
        var defaults = DefaultActions(riskLevels);
        if (node is null)
        {
            return defaults;
        }

        var map = _b.Mapping(node, "actions", "mode", "defaultRisk", "unlistedRisk", "unknownRisk", "outsideWorkspaceRisk", "outsideWorkspaceReadRisk", "protectedPathRisk", "allowlist", "workspaceExtraPaths", "protectedPaths", "secretPaths", "tempPaths", "programVariables");
        Mark("actions", map);
        return new ActionSettings
        {
            Mode = _b.Choice(YamlBinder.Get(map, "mode"), "actions.mode", "denylist", "allowlist", "effects") ?? defaults.Mode,
            DefaultRisk = _b.String(YamlBinder.Get(map, "defaultRisk"), "actions.defaultRisk") ?? defaults.DefaultRisk,
            UnlistedRisk = _b.String(YamlBinder.Get(map, "unlistedRisk"), "actions.unlistedRisk") ?? defaults.UnlistedRisk,
            UnknownRisk = _b.String(YamlBinder.Get(map, "unknownRisk"), "actions.unknownRisk") ?? defaults.UnknownRisk,
            OutsideWorkspaceRisk = _b.String(YamlBinder.Get(map, "outsideWorkspaceRisk"), "actions.outsideWorkspaceRisk") ?? defaults.OutsideWorkspaceRisk,
            OutsideWorkspaceReadRisk = _b.String(YamlBinder.Get(map, "outsideWorkspaceReadRisk"), "actions.outsideWorkspaceReadRisk") ?? defaults.OutsideWorkspaceReadRisk,
            ProtectedPathRisk = _b.String(YamlBinder.Get(map, "protectedPathRisk"), "actions.protectedPathRisk") ?? defaults.ProtectedPathRisk,
            WorkspaceExtraPaths = _b.Strings(YamlBinder.Get(map, "workspaceExtraPaths"), "actions.workspaceExtraPaths"),
            ProtectedPaths = _b.Strings(YamlBinder.Get(map, "protectedPaths"), "actions.protectedPaths"),
            SecretPaths = _b.Strings(YamlBinder.Get(map, "secretPaths"), "actions.secretPaths"),
            TempPaths = _b.Strings(YamlBinder.Get(map, "tempPaths"), "actions.tempPaths"),
            ProgramVariables = ProgramVariablesBinding.Bind(_b, YamlBinder.Get(map, "programVariables")),
            Allowlist = BindList(YamlBinder.Get(map, "allowlist"), "actions.allowlist", item =>
            {
                if (item is YamlScalarNode)
                {
                    var program = _b.String(item, "an allowlisted program");
                    return program is null ? null : new AllowedProgramDef { Program = program, Location = _b.At(item) };
                }

                var entry = _b.Mapping(item, "an allowlisted program", "program", "subcommands", "deniedFlags");
                return new AllowedProgramDef
                {
                    Program = _b.String(_b.Require(entry, "program", "An allowlisted program", item), "program") ?? "",
                    Subcommands = _b.Strings(YamlBinder.Get(entry, "subcommands"), "subcommands"),
                    DeniedFlags = _b.Strings(YamlBinder.Get(entry, "deniedFlags"), "deniedFlags"),
                    Location = _b.At(item),
                };
            }),
        };
    }

    private RiskRuleDef? BindRisk(YamlNode item)
    {
        var map = _b.Mapping(item, "a risk rule", "id", "risk", "message", "command", "path", "tool", "effect", "alternative", "when", "enforcement");
        if (map is null)
        {
            return null;
        }

        return new RiskRuleDef
        {
            Id = _b.String(_b.Require(map, "id", "A risk rule", item), "rule id") ?? "",
            Risk = _b.LocatedString(_b.Require(map, "risk", "A risk rule", item), "risk") ?? new Located<string>("critical", _b.At(item)),
            Message = _b.String(_b.Require(map, "message", "A risk rule", item), "message") ?? "",
            Command = BindCommandMatch(YamlBinder.Get(map, "command")),
            Path = BindPathMatch(YamlBinder.Get(map, "path")),
            Tool = BindToolMatch(YamlBinder.Get(map, "tool")),
            Effect = BindEffectMatch(YamlBinder.Get(map, "effect")),
            Alternative = _b.String(YamlBinder.Get(map, "alternative"), "alternative"),
            When = _b.LocatedString(YamlBinder.Get(map, "when"), "when"),
            Enforcement = EnforcementOf(map),
            Location = _b.At(item),
        };
    }

    /// <summary>A rule's <c>enforcement:</c> (enforce when absent; a wrong name is an error at its place).</summary>
    private Enforcement EnforcementOf(YamlMappingNode? map) =>
        EnforcementExtensions.FromWire(_b.Choice(YamlBinder.Get(map, "enforcement"), "enforcement", EnforcementExtensions.WireNames)) ?? Enforcement.Enforce;

    private CommandMatchDef? BindCommandMatch(YamlNode? node, int depth = 0)
    {
        if (node is null)
        {
            return null;
        }

        var map = _b.Mapping(node, depth == 0 ? "a command matcher" : "a 'not' matcher", "programs", "subcommands", "anyFlags", "allFlagGroups", "args", "argsRegex", "redirectTo", "pipeFrom", "contexts",
            "rawPrograms", "flags", "words", "argAt", "minArgs", "maxArgs", "pathArgs", "not");
        var groups = new List<IReadOnlyList<string>>();
        foreach (var group in _b.Sequence(YamlBinder.Get(map, "allFlagGroups"), "allFlagGroups"))
        {
            groups.Add(_b.Strings(group, "a flag group"));
        }

        return new CommandMatchDef
        {
            Programs = _b.Strings(YamlBinder.Get(map, "programs"), "programs"),
            Subcommands = _b.Strings(YamlBinder.Get(map, "subcommands"), "subcommands"),
            AnyFlags = _b.Strings(YamlBinder.Get(map, "anyFlags"), "anyFlags"),
            AllFlagGroups = groups,
            Args = _b.Strings(YamlBinder.Get(map, "args"), "args"),
            ArgsRegex = _b.String(YamlBinder.Get(map, "argsRegex"), "argsRegex"),
            RedirectTo = _b.Strings(YamlBinder.Get(map, "redirectTo"), "redirectTo"),
            PipeFrom = _b.Strings(YamlBinder.Get(map, "pipeFrom"), "pipeFrom"),
            Contexts = ChoiceList(YamlBinder.Get(map, "contexts"), "contexts", [.. CommandContextNames.All]),
            RawPrograms = _b.LocatedStrings(YamlBinder.Get(map, "rawPrograms"), "rawPrograms"),
            Flags = _b.LocatedStrings(YamlBinder.Get(map, "flags"), "flags"),
            Words = _b.LocatedStrings(YamlBinder.Get(map, "words"), "words"),
            ArgAt = BindArgAt(YamlBinder.Get(map, "argAt")),
            MinArgs = _b.Int(YamlBinder.Get(map, "minArgs"), "minArgs", 0),
            MaxArgs = _b.Int(YamlBinder.Get(map, "maxArgs"), "maxArgs", 0),
            PathArgs = _b.Choice(YamlBinder.Get(map, "pathArgs"), "pathArgs", "outside"),
            Not = BindNot(YamlBinder.Get(map, "not"), depth),
            Location = _b.At(node),
        };
    }

    /// <summary>One nested matcher, or a list of them (none may match).</summary>
    private IReadOnlyList<CommandMatchDef> BindNot(YamlNode? node, int depth)
    {
        if (node is not null && depth >= 8)
        {
            _b.Error(PolicyDiagnosticIds.InvalidValue, "'not' matchers nest more than 8 levels deep.", node);
            return [];
        }

        IReadOnlyList<YamlNode> items = node is YamlMappingNode ? new[] { node } : _b.Sequence(node, "not");
        var result = new List<CommandMatchDef>(items.Count);
        foreach (var item in items)
        {
            if (BindCommandMatch(item, depth + 1) is { } nested)
            {
                result.Add(nested);
            }
        }

        return result;
    }

    /// <summary>One <c>argAt</c> mapping, or a list of them (all must match).</summary>
    private IReadOnlyList<ArgAtDef> BindArgAt(YamlNode? node)
    {
        IReadOnlyList<YamlNode> items = node is YamlMappingNode ? new[] { node } : _b.Sequence(node, "argAt");
        var result = new List<ArgAtDef>(items.Count);
        foreach (var item in items)
        {
            var map = _b.Mapping(item, "argAt", "index", "globs", "regex");
            if (map is null)
            {
                continue;
            }

            var index = _b.Int(_b.Require(map, "index", "argAt", item), "argAt.index");
            var globs = _b.LocatedStrings(YamlBinder.Get(map, "globs"), "argAt.globs");
            var regex = _b.LocatedString(YamlBinder.Get(map, "regex"), "argAt.regex");
            if (globs.Count == 0 && regex is null)
            {
                _b.Error(PolicyDiagnosticIds.MissingKey, "argAt needs 'globs' or 'regex': what the argument must be.", item);
            }

            if (index is { } i)
            {
                result.Add(new ArgAtDef { Index = i, Globs = globs, Regex = regex, Location = _b.At(item) });
            }
        }

        return result;
    }

    private IReadOnlyList<string> ChoiceList(YamlNode? node, string what, params string[] allowed)
    {
        var result = new List<string>();
        foreach (var item in _b.Sequence(node, what))
        {
            var value = _b.Choice(item, $"each entry of {what}", allowed);
            if (value is not null)
            {
                result.Add(value);
            }
        }

        return result;
    }

    private PathMatchDef? BindPathMatch(YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var map = _b.Mapping(node, "a path matcher", "globs", "ops");
        return new PathMatchDef
        {
            Globs = _b.Strings(YamlBinder.Get(map, "globs"), "globs"),
            Ops = ChoiceList(YamlBinder.Get(map, "ops"), "ops", "read", "write", "delete"),
        };
    }

    private EffectMatchDef? BindEffectMatch(YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var map = _b.Mapping(node, "an effect matcher", "kinds", "targets", "recursive", "methods", "hosts");
        return new EffectMatchDef
        {
            Kinds = ChoiceList(YamlBinder.Get(map, "kinds"), "kinds", [.. Packs.EffectNames.KindPatterns]),
            Targets = ChoiceList(YamlBinder.Get(map, "targets"), "targets", [.. Packs.EffectNames.TargetClasses]),
            Recursive = _b.Bool(YamlBinder.Get(map, "recursive"), "recursive"),
            Methods = ChoiceList(YamlBinder.Get(map, "methods"), "methods", [.. Packs.EffectNames.Methods]),
            Hosts = ChoiceList(YamlBinder.Get(map, "hosts"), "hosts", [.. Packs.EffectNames.Hosts]),
        };
    }

    private ToolMatchDef? BindToolMatch(YamlNode? node)
    {
        if (node is null)
        {
            return null;
        }

        var map = _b.Mapping(node, "a tool matcher", "names");
        return new ToolMatchDef { Names = _b.Strings(YamlBinder.Get(map, "names"), "names") };
    }

    private EscalationRuleDef? BindEscalation(YamlNode item)
    {
        var map = _b.Mapping(item, "an escalation rule", "id", "severity", "message", "condition", "when", "enforcement");
        if (map is null)
        {
            return null;
        }

        var condition = YamlBinder.Get(map, "condition");
        var when = _b.LocatedString(YamlBinder.Get(map, "when"), "when");
        if (condition is null && when is null && !_overlay)
        {
            _b.Error(PolicyDiagnosticIds.EmptyRule, "An escalation rule needs a 'condition' or a 'when' predicate.", item);
        }

        return new EscalationRuleDef
        {
            Id = _b.String(_b.Require(map, "id", "An escalation rule", item), "rule id") ?? "",
            Severity = _b.SeverityValue(YamlBinder.Get(map, "severity"), "severity") ?? Severity.Escalate,
            Message = _b.String(_b.Require(map, "message", "An escalation rule", item), "message") ?? "",
            Condition = condition is null ? null : BindCondition(condition, 0),
            When = when,
            Enforcement = EnforcementOf(map),
            Location = _b.At(item),
        };
    }

    private ConditionDef? BindCondition(YamlNode node, int depth)
    {
        if (depth > 16)
        {
            _b.Error(PolicyDiagnosticIds.InvalidValue, "Conditions nest more than 16 levels deep.", node);
            return null;
        }

        var map = _b.Mapping(node, "a condition", "signal", "op", "value", "all", "any");
        if (map is null)
        {
            return null;
        }

        var all = new List<ConditionDef>();
        foreach (var child in _b.Sequence(YamlBinder.Get(map, "all"), "all"))
        {
            if (BindCondition(child, depth + 1) is { } c)
            {
                all.Add(c);
            }
        }

        var any = new List<ConditionDef>();
        foreach (var child in _b.Sequence(YamlBinder.Get(map, "any"), "any"))
        {
            if (BindCondition(child, depth + 1) is { } c)
            {
                any.Add(c);
            }
        }

        var signalNode = YamlBinder.Get(map, "signal");
        string? signal = null;
        if (signalNode is not null)
        {
            signal = _b.Choice(signalNode, "signal", [.. SignalNames.All]);
            _b.Require(map, "value", "A signal comparison", node);
        }
        else if (all.Count == 0 && any.Count == 0)
        {
            _b.Error(PolicyDiagnosticIds.MissingKey, "A condition needs 'signal' (with 'op' and 'value'), 'all' or 'any'.", node);
        }

        return new ConditionDef
        {
            Signal = signal,
            Op = _b.Choice(YamlBinder.Get(map, "op"), "op", ">=", ">", "<=", "<", "==", "!=") ?? ">=",
            Value = _b.Number(YamlBinder.Get(map, "value"), "value") ?? 0,
            All = all,
            Any = any,
            Location = _b.At(node),
        };
    }

    private FailureSettings BindFailures(YamlNode? node)
    {
        if (node is null)
        {
            return new FailureSettings();
        }

        var map = _b.Mapping(node, "failures", "maxRetries", "retryUnknown", "classes");
        return new FailureSettings
        {
            MaxRetries = _b.Int(YamlBinder.Get(map, "maxRetries"), "maxRetries", 0) ?? 3,
            RetryUnknown = _b.Bool(YamlBinder.Get(map, "retryUnknown"), "retryUnknown") ?? false,
            Classes = BindList(YamlBinder.Get(map, "classes"), "failures.classes", item =>
            {
                var c = _b.Mapping(item, "a failure class", "id", "retry", "message", "kinds", "patterns");
                if (c is null)
                {
                    return null;
                }

                return new FailureClassDef
                {
                    Id = _b.String(_b.Require(c, "id", "A failure class", item), "failure class id") ?? "",
                    Retry = _b.Bool(_b.Require(c, "retry", "A failure class", item), "retry") ?? false,
                    Message = _b.String(YamlBinder.Get(c, "message"), "message") ?? "",
                    Kinds = _b.Strings(YamlBinder.Get(c, "kinds"), "kinds"),
                    Patterns = _b.Strings(YamlBinder.Get(c, "patterns"), "patterns"),
                    Location = _b.At(item),
                };
            }),
        };
    }

    private ToolSettings BindTools(YamlNode? node)
    {
        var defaults = new ToolSettings();
        if (node is null)
        {
            return defaults;
        }

        var map = _b.Mapping(node, "tools", "always", "notAllowed");
        Mark("tools", map);
        return new ToolSettings
        {
            Always = _b.Strings(YamlBinder.Get(map, "always"), "tools.always"),
            NotAllowed = BindOutcome(YamlBinder.Get(map, "notAllowed"), "tools.notAllowed", defaults.NotAllowed),
        };
    }

    private AttestationSettings BindAttestation(YamlNode? node)
    {
        var defaults = new AttestationSettings();
        if (node is null)
        {
            return defaults;
        }

        var map = _b.Mapping(node, "attestation", "defaultDrift", "ruleId", "message");
        return new AttestationSettings
        {
            DefaultDrift = _b.SeverityValue(YamlBinder.Get(map, "defaultDrift"), "attestation.defaultDrift") ?? defaults.DefaultDrift,
            RuleId = _b.String(YamlBinder.Get(map, "ruleId"), "attestation.ruleId") ?? defaults.RuleId,
            Message = _b.String(YamlBinder.Get(map, "message"), "attestation.message") ?? defaults.Message,
        };
    }

    public static readonly string[] DiffKinds =
    [
        "scope", "protected-paths", "max-files", "max-lines", "tests-required", "secrets", "trojan-source", "path-safety",
        "rollback-note", "base-hashes", "added-commands", "banned-api", "public-api", "schema", "symbol-scope", "contract-types",
    ];

    private DiffRuleDef? BindDiffRule(YamlNode item)
    {
        var map = _b.Mapping(item, "a diff rule", "id", "kind", "severity", "message", "paths", "excludePaths", "sourcePaths", "testPaths",
            "max", "maxPerFile", "patterns", "allow", "marker", "schema", "symbols", "threshold", "level", "enforcement");
        if (map is null)
        {
            return null;
        }

        var schemaNode = YamlBinder.Get(map, "schema");
        var schema = schemaNode is YamlMappingNode ? YamlJson.ToJson(schemaNode) : _b.String(schemaNode, "schema");
        return new DiffRuleDef
        {
            Id = _b.String(_b.Require(map, "id", "A diff rule", item), "rule id") ?? "",
            Kind = _b.Choice(_b.Require(map, "kind", "A diff rule", item), "diff rule kind", DiffKinds) ?? "",
            Severity = _b.SeverityValue(YamlBinder.Get(map, "severity"), "severity") ?? Severity.Deny,
            Message = _b.String(YamlBinder.Get(map, "message"), "message") ?? "",
            Paths = _b.Strings(YamlBinder.Get(map, "paths"), "paths"),
            ExcludePaths = _b.Strings(YamlBinder.Get(map, "excludePaths"), "excludePaths"),
            SourcePaths = _b.Strings(YamlBinder.Get(map, "sourcePaths"), "sourcePaths"),
            TestPaths = _b.Strings(YamlBinder.Get(map, "testPaths"), "testPaths"),
            Max = _b.Int(YamlBinder.Get(map, "max"), "max", 0),
            MaxPerFile = _b.Int(YamlBinder.Get(map, "maxPerFile"), "maxPerFile", 0),
            Patterns = _b.Strings(YamlBinder.Get(map, "patterns"), "patterns"),
            Allow = _b.Strings(YamlBinder.Get(map, "allow"), "allow"),
            Marker = _b.String(YamlBinder.Get(map, "marker"), "marker"),
            Schema = schema,
            Symbols = _b.Strings(YamlBinder.Get(map, "symbols"), "symbols"),
            Threshold = _b.Number(YamlBinder.Get(map, "threshold"), "threshold"),
            Level = _b.String(YamlBinder.Get(map, "level"), "level"),
            Enforcement = EnforcementOf(map),
            Location = _b.At(item),
        };
    }
}
