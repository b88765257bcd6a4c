using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Packs;

/// <summary>What loading packs produced: the packs (as far as they could be read) and every mistake, located.</summary>
public sealed record PackLoadResult(IReadOnlyList<PackDef> Packs, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Loads program packs: the built-in ones shipped in this assembly (<c>policies/packs/*.pack.yaml</c>) and a team's
/// own pack files, named in a policy's <c>packs:</c> list. Never throws on bad input: every mistake is a located
/// diagnostic, so lint reports them and the runtime fails closed.
/// </summary>
public static partial class PackLoader
{
    private const string ResourcePrefix = "Autopilot.Policy.packs.";
    private const string ResourceSuffix = ".pack.yaml";

    private static readonly string[] s_topKeys = ["apiVersion", "pack", "description", "programs", "environment"];
    private static readonly string[] s_environmentKeys = ["names", "effects"];
    private static readonly string[] s_programKeys = ["names", "valueFlags", "oldStyleFlags", "effects", "subcommands", "otherwise"];
    private static readonly string[] s_subcommandKeys = ["words", "valueFlags", "effects"];
    private static readonly string[] s_effectKeys =
    [
        "effect", "targets", "within", "skip", "noSkipWith", "targetFlags", "targetPrefix", "ifFlags", "ifNotFlags", "ifArgs", "ifNotArgs",
        "ifFlagValues", "ifOperands", "recursive", "method", "methodFlags", "reason", "alternative",
    ];

    /// <summary>Names of the packs built into the tool, in name order.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = typeof(PackLoader).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(ResourceSuffix, StringComparison.Ordinal))
        .Select(n => n.Substring(ResourcePrefix.Length, n.Length - ResourcePrefix.Length - ResourceSuffix.Length))
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The text of a built-in pack, or null when there is none of that name.</summary>
    public static string? BuiltInText(string name) => BuiltInBytes(name) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The bytes of a built-in pack as shipped (what its hash is taken over), or null when there is none of that name.</summary>
    private static byte[]? BuiltInBytes(string name)
    {
        using var stream = typeof(PackLoader).Assembly.GetManifestResourceStream(ResourcePrefix + name + ResourceSuffix);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Loads the packs a policy names: a built-in name (<c>git</c>) or a path ending in <c>.pack.yaml</c>, relative to
    /// the policy file's folder. An unknown name, a pack that fails to load, and a program defined by two packs are
    /// located errors.
    /// </summary>
    public static PackLoadResult Resolve(IReadOnlyList<Located<string>> names, string policyPath)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        var packs = new List<PackDef>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name.Value))
            {
                continue;
            }

            var where = name.Location ?? new SourceLocation(policyPath, 1, 1);
            PackDef? pack;
            if (name.Value.EndsWith(ResourceSuffix, StringComparison.Ordinal))
            {
                var folder = string.IsNullOrEmpty(policyPath) || policyPath.StartsWith("builtin:", StringComparison.Ordinal) ? "." : Path.GetDirectoryName(Path.GetFullPath(policyPath)) ?? ".";
                var file = Path.Combine(folder, name.Value);
                if (!File.Exists(file))
                {
                    diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.UnknownPack, DiagnosticSeverity.Error, $"Pack file '{name.Value}' not found (looked at {file}).", where));
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.UnknownPack, DiagnosticSeverity.Error, $"Pack file '{name.Value}' cannot be read: {ex.Message}", where));
                    continue;
                }

                pack = Load(bytes, file, diagnostics);
            }
            else
            {
                var bytes = BuiltInBytes(name.Value);
                if (bytes is null)
                {
                    var suggestion = DidYouMean.Closest(name.Value, BuiltInNames);
                    var hint = suggestion is null ? $"Built-in packs: {string.Join(", ", BuiltInNames)}; a team's own pack is named by its path (x.pack.yaml)." : $"Did you mean '{suggestion}'?";
                    diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.UnknownPack, DiagnosticSeverity.Error, $"Unknown pack '{name.Value}'. {hint}", where));
                    continue;
                }

                pack = Load(bytes, $"builtin:packs/{name.Value}{ResourceSuffix}", diagnostics);
            }

            if (pack is not null)
            {
                packs.Add(pack);
            }
        }

        CheckConflicts(packs, diagnostics);
        return new PackLoadResult(packs, diagnostics);
    }

    /// <summary>
    /// One hash for a list of packs, in order (SHA-256 over their names and hashes): what code generated from a policy's
    /// packs records, so that it is used only with the very packs it was generated from.
    /// </summary>
    public static string HashOf(IReadOnlyList<PackDef> packs) => PolicyLoader.Sha256Hex(Encoding.UTF8.GetBytes(ManifestOf(packs)));

    /// <summary>What <see cref="HashOf"/> hashes: one line per pack, its name and the SHA-256 of its text.</summary>
    public static string ManifestOf(IReadOnlyList<PackDef> packs) => string.Join("\n", packs.Select(p => $"{p.Name} {p.Hash}"));

    /// <summary>
    /// What <see cref="ManifestOf"/> gives the named packs, from the SHA-256 of each built-in pack taken when this
    /// assembly was built (<c>BuiltInPackHashes.g.cs</c>, written by the project's <c>AutopilotPackHashes</c> target from
    /// the same files it embeds): no resource is read and nothing is hashed. Null when a name is a pack file or not built in.
    /// </summary>
    public static string? ManifestOfBuiltIn(IReadOnlyList<Located<string>> names)
    {
        var parts = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name.Value))
            {
                continue;
            }

            if (name.Value.EndsWith(ResourceSuffix, StringComparison.Ordinal) || !s_builtInHashes.TryGetValue(name.Value, out var hash))
            {
                return null;
            }

            parts.Add($"{name.Value} {hash}");
        }

        return string.Join("\n", parts);
    }

    /// <summary>Loads one pack file's text.</summary>
    public static PackLoadResult LoadText(string text, string path)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        var pack = Load(Encoding.UTF8.GetBytes(text), path, diagnostics);
        return new PackLoadResult(pack is null ? [] : [pack], diagnostics);
    }

    private static PackDef? Load(byte[] bytes, string path, List<PolicyDiagnostic> diagnostics)
    {
        var hash = PolicyLoader.Sha256Hex(bytes);
        var root = PolicyLoader.ReadSingleDocument(bytes, hash, path, "Pack", "expected a mapping with 'pack' and 'programs'", diagnostics);
        if (root is null)
        {
            return null;
        }

        var b = new YamlBinder(path, diagnostics);
        var map = b.Mapping(root, "the pack", s_topKeys);
        if (map is null)
        {
            return null;
        }

        if (YamlBinder.Get(map, "apiVersion") is { } api)
        {
            b.Choice(api, "apiVersion", "autopilot/pack/v1");
        }

        var programs = new List<ProgramDef>();
        foreach (var item in b.Sequence(b.Require(map, "programs", "A pack", root), "programs"))
        {
            if (BindProgram(b, item) is { } program)
            {
                programs.Add(program);
            }
        }

        var environment = new List<EnvironmentDef>();
        foreach (var item in b.Sequence(YamlBinder.Get(map, "environment"), "environment"))
        {
            var envMap = b.Mapping(item, "an environment entry", s_environmentKeys);
            if (envMap is null)
            {
                continue;
            }

            environment.Add(new EnvironmentDef
            {
                Names = Patterns(b, b.Require(envMap, "names", "An environment entry", item), "names", names: true),
                Effects = BindEffects(b, b.Require(envMap, "effects", "An environment entry", item)),
                Location = b.At(item),
            });
        }

        return new PackDef
        {
            Environment = environment,
            Name = b.String(b.Require(map, "pack", "A pack", root), "pack") ?? "",
            Description = b.String(YamlBinder.Get(map, "description"), "description") ?? "",
            SourcePath = path,
            Hash = hash,
            Programs = programs,
        };
    }

    private static ProgramDef? BindProgram(YamlBinder b, YamlNode item)
    {
        var map = b.Mapping(item, "a program", s_programKeys);
        if (map is null)
        {
            return null;
        }

        var names = Patterns(b, b.Require(map, "names", "A program", item), "names", names: true);
        if (names.Count == 0 && YamlBinder.Get(map, "names") is { } namesNode)
        {
            b.Error(PolicyDiagnosticIds.EmptyRule, "A program needs at least one name.", namesNode);
        }

        var subcommands = new List<SubcommandDef>();
        var seenWords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sub in b.Sequence(YamlBinder.Get(map, "subcommands"), "subcommands"))
        {
            var subMap = b.Mapping(sub, "a subcommand", s_subcommandKeys);
            if (subMap is null)
            {
                continue;
            }

            var words = b.String(b.Require(subMap, "words", "A subcommand", sub), "words") ?? "";
            if (!seenWords.Add(string.Join(" ", words.Split([' '], StringSplitOptions.RemoveEmptyEntries))))
            {
                b.Error(PolicyDiagnosticIds.DuplicateId, $"Subcommand '{words}' is listed twice for this program; only the first would ever apply.", sub);
            }

            subcommands.Add(new SubcommandDef
            {
                Words = words.Split([' '], StringSplitOptions.RemoveEmptyEntries),
                ValueFlags = b.Strings(YamlBinder.Get(subMap, "valueFlags"), "valueFlags"),
                Effects = BindEffects(b, YamlBinder.Get(subMap, "effects")),
                Location = b.At(sub),
            });
        }

        return new ProgramDef
        {
            Names = names,
            ValueFlags = b.Strings(YamlBinder.Get(map, "valueFlags"), "valueFlags"),
            OldStyleFlags = b.Bool(YamlBinder.Get(map, "oldStyleFlags"), "oldStyleFlags") ?? false,
            Effects = BindEffects(b, YamlBinder.Get(map, "effects")),
            Subcommands = subcommands,
            Otherwise = BindEffects(b, YamlBinder.Get(map, "otherwise")),
            Location = b.At(item),
        };
    }

    private static IReadOnlyList<EffectDef> BindEffects(YamlBinder b, YamlNode? node)
    {
        var result = new List<EffectDef>();
        foreach (var item in b.Sequence(node, "effects"))
        {
            if (item is YamlScalarNode)
            {
                var name = b.Choice(item, "an effect", [.. EffectNames.All]);
                if (name is not null)
                {
                    result.Add(new EffectDef { Effect = name, Location = b.At(item) });
                }

                continue;
            }

            var map = b.Mapping(item, "an effect", s_effectKeys);
            if (map is null)
            {
                continue;
            }

            var effect = b.Choice(b.Require(map, "effect", "An effect", item), "effect", [.. EffectNames.All]);
            if (effect is null)
            {
                continue;
            }

            var flagValues = new List<FlagValueDef>();
            if (YamlBinder.Get(map, "ifFlagValues") is { } fv && FlagMap(b, fv) is { } fvMap)
            {
                foreach (var pair in fvMap.Children)
                {
                    var flag = (pair.Key as YamlScalarNode)?.Value ?? "";
                    var values = Patterns(b, pair.Value, "ifFlagValues", names: false);
                    flagValues.Add(new FlagValueDef(flag, values));
                }
            }

            var ifOperands = YamlBinder.Get(map, "ifOperands") is { } io ? b.Choice(io, "ifOperands", "none", "some") : null;
            var method = YamlBinder.Get(map, "method") is { } m ? b.Choice(m, "method", [.. EffectNames.Methods]) : null;
            result.Add(new EffectDef
            {
                Effect = effect,
                Targets = YamlBinder.Get(map, "targets") is { } t ? b.Choice(t, "targets", [.. EffectNames.TargetSelectors]) ?? "none" : "none",
                Within = b.Bool(YamlBinder.Get(map, "within"), "within") ?? false,
                Skip = b.Int(YamlBinder.Get(map, "skip"), "skip", 0) ?? 0,
                NoSkipWith = b.Strings(YamlBinder.Get(map, "noSkipWith"), "noSkipWith"),
                TargetFlags = b.Strings(YamlBinder.Get(map, "targetFlags"), "targetFlags"),
                TargetPrefix = b.String(YamlBinder.Get(map, "targetPrefix"), "targetPrefix"),
                IfFlags = b.Strings(YamlBinder.Get(map, "ifFlags"), "ifFlags"),
                IfNotFlags = b.Strings(YamlBinder.Get(map, "ifNotFlags"), "ifNotFlags"),
                IfArgs = Patterns(b, YamlBinder.Get(map, "ifArgs"), "ifArgs", names: false),
                IfNotArgs = Patterns(b, YamlBinder.Get(map, "ifNotArgs"), "ifNotArgs", names: false),
                IfFlagValues = flagValues,
                IfOperands = ifOperands,
                Recursive = b.Strings(YamlBinder.Get(map, "recursive"), "recursive"),
                Method = method,
                MethodFlags = b.Strings(YamlBinder.Get(map, "methodFlags"), "methodFlags"),
                Reason = b.String(YamlBinder.Get(map, "reason"), "reason"),
                Alternative = b.String(YamlBinder.Get(map, "alternative"), "alternative"),
                Location = b.At(item),
            });
        }

        return result;
    }

    /// <summary>
    /// A list of patterns (<see cref="ArgumentPattern"/>), each checked where it is written: a malformed one is an
    /// AP1104 error at its line. With <paramref name="names"/>, only names holding <c>*</c> or <c>?</c> are patterns.
    /// </summary>
    private static IReadOnlyList<string> Patterns(YamlBinder b, YamlNode? node, string what, bool names)
    {
        var result = new List<string>();
        foreach (var item in b.Sequence(node, what))
        {
            var text = b.String(item, $"each entry of {what}");
            if (text is null)
            {
                continue;
            }

            if ((!names || ArgumentPattern.IsNamePattern(text)) && ArgumentPattern.Validate(text) is { } problem)
            {
                b.Error(PolicyDiagnosticIds.InvalidPattern, $"Pattern '{text}' in {what}: {problem}.", item);
            }

            result.AddRange(ExpandBraces(text));
        }

        return result;
    }

    /// <summary>
    /// <c>~/.{ssh,aws}*</c> is <c>~/.ssh*</c> and <c>~/.aws*</c>: comma alternatives in braces, as the shell spells them,
    /// expanded once at load (one level; <c>${HOME}</c> has no comma and stays as written).
    /// </summary>
    internal static IEnumerable<string> ExpandBraces(string pattern)
    {
        var open = -1;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
                continue;
            }

            if (pattern[i] == '{')
            {
                open = i;
            }
            else if (pattern[i] == '}' && open >= 0)
            {
                var body = pattern.Substring(open + 1, i - open - 1);
                if (body.IndexOf(',') < 0)
                {
                    open = -1;
                    continue;
                }

                var head = pattern.Substring(0, open);
                var tail = pattern.Substring(i + 1);
                return body.Split(',').SelectMany(alternative => ExpandBraces(head + alternative + tail));
            }
        }

        return [pattern];
    }

    private static YamlMappingNode? FlagMap(YamlBinder b, YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }

        b.Error(PolicyDiagnosticIds.WrongType, $"ifFlagValues must be a mapping of flags to value globs, found {YamlBinder.Describe(node)}.", node);
        return null;
    }

    private static void CheckConflicts(List<PackDef> packs, List<PolicyDiagnostic> diagnostics)
    {
        var owner = new Dictionary<string, (PackDef Pack, ProgramDef Program)>(StringComparer.Ordinal);
        foreach (var pack in packs)
        {
            foreach (var program in pack.Programs)
            {
                foreach (var name in program.Names)
                {
                    if (owner.TryGetValue(name, out var first))
                    {
                        if (!ReferenceEquals(first.Program, program))
                        {
                            var there = first.Program.Location is { } l ? $" at {l.Path}({l.Line},{l.Column})" : "";
                            diagnostics.Add(new PolicyDiagnostic(
                                PolicyDiagnosticIds.PackConflict,
                                DiagnosticSeverity.Error,
                                $"Program '{name}' is defined by pack '{pack.Name}' and already by pack '{first.Pack.Name}'{there}; a program belongs to one pack.",
                                program.Location ?? new SourceLocation(pack.SourcePath, 1, 1)));
                        }

                        continue;
                    }

                    owner[name] = (pack, program);
                }
            }
        }
    }
}
