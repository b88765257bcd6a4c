using Autopilot.Policy.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Compares the old and new text of changed C# files by syntax (Roslyn, no compilation): which types and
/// members were added, removed or changed, which of those are public API and breaking, which banned APIs
/// gained uses, and which files do not parse. Only the changed files are read; files are parsed in parallel.
/// </summary>
/// <remarks>
/// Declarations are compared across all the changed files at once, so a member moved from one changed
/// file to another is neither added nor removed. Accessibility is the effective one (a public member of an
/// internal or private type is not public API). What syntax cannot know is documented on the parts:
/// accessibility written only on a partial part in an unchanged file, overloads of banned methods, types
/// of variables.
/// </remarks>
internal sealed class CSharpChangeAnalyzer
{
    /// <summary>Most syntax errors reported per file version: the first ones say what is wrong.</summary>
    private const int MaxParseErrorsPerFile = 20;

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Preview, DocumentationMode.None);

    private readonly BannedApiScanner _bannedApis;

    public CSharpChangeAnalyzer(IEnumerable<BannedApiEntry>? bannedApis = null)
    {
        _bannedApis = new BannedApiScanner(bannedApis?.Distinct().ToList() ?? []);
    }

    public CSharpChangeReport Analyze(IEnumerable<CSharpFileChange> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var all = files.ToList();

        // A file whose text did not change cannot change a declaration or add a use; don't parse it (unless its
        // project changed: then its declarations belong elsewhere, or are compiled differently).
        var changes = all.Where(f => !string.Equals(f.OldText, f.NewText, StringComparison.Ordinal) || !SameCompilation(f.OldProject, f.NewProject)).ToArray();
        var parsed = new ParsedFile[changes.Length];
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };

        Parallel.For(0, changes.Length, options, i =>
        {
            var change = changes[i];
            parsed[i] = new ParsedFile(
                change.Path,
                ParseVariants(change.OldText, change.Path, change.OldProject, cancellationToken),
                ParseVariants(change.NewText, change.Path, change.NewProject, cancellationToken),
                change.OldProject,
                change.NewProject);
        });

        // Global usings of one changed file are in scope in all the others.
        var oldGlobals = GlobalUsings(parsed.Select(p => p.Old.FirstOrDefault()?.Tree));
        var newGlobals = GlobalUsings(parsed.Select(p => p.New.FirstOrDefault()?.Tree));

        var results = new FileResult[changes.Length];
        Parallel.For(0, changes.Length, options, i =>
        {
            var file = parsed[i];
            results[i] = new FileResult(
                Facts(file.Old, file.Path, file.OldProject, oldGlobals, cancellationToken),
                Facts(file.New, file.Path, file.NewProject, newGlobals, cancellationToken),
                Hits(file.Old, file.Path, oldGlobals, cancellationToken),
                Hits(file.New, file.Path, newGlobals, cancellationToken),
                [.. ParseErrors(file.Old, file.Path, inOldText: true, cancellationToken), .. ParseErrors(file.New, file.Path, inOldText: false, cancellationToken)]);
        });

        // Which project each declaration belongs to decides whether its API ships.
        var projects = new Dictionary<(string Path, string Project), CSharpProject>();
        foreach (var file in changes)
        {
            foreach (var project in new[] { file.OldProject, file.NewProject }.OfType<CSharpProject>())
            {
                projects.TryAdd((file.Path, project.Name), project);
            }
        }

        var members = DiffDeclarations(results.SelectMany(r => r.OldFacts), results.SelectMany(r => r.NewFacts));
        for (var i = 0; i < members.Count; i++)
        {
            if (projects.TryGetValue((members[i].Path, members[i].Project), out var owner))
            {
                members[i] = members[i] with { Ships = owner.Ships, ShipsBecause = owner.Why };
            }
        }

        return new CSharpChangeReport
        {
            Members = members,
            BannedApiUses = NewBannedUses(results.SelectMany(r => r.OldHits), results.SelectMany(r => r.NewHits)),
            ParseErrors = results.SelectMany(r => r.Errors).ToList(),
            FileCount = all.Count,
        };
    }

    private static bool SameCompilation(CSharpProject? a, CSharpProject? b) =>
        a is null || b is null || (a.Name == b.Name && a.NullableAnnotations == b.NullableAnnotations
            && a.Variants.Select(v => v.Label + ":" + string.Join(";", v.Symbols)).SequenceEqual(b.Variants.Select(v => v.Label + ":" + string.Join(";", v.Symbols))));

    /// <summary>
    /// The file parsed once per distinct set of the preprocessor symbols it tests (<c>#if NET8_0_OR_GREATER</c>) among the
    /// project's variants: a file without <c>#if</c> is parsed once however many frameworks the project targets.
    /// </summary>
    private static List<VariantTree> ParseVariants(string? text, string path, CSharpProject? project, CancellationToken cancellationToken)
    {
        if (text is null)
        {
            return [];
        }

        var variants = project?.Variants is { Count: > 0 } v ? v : [PreprocessorVariant.None];
        var tested = PreprocessorNames.Tested(text);
        var groups = variants
            .GroupBy(variant => string.Join(";", variant.Symbols.Where(tested.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), StringComparer.Ordinal)
            .ToList();
        var trees = new List<VariantTree>(groups.Count);
        foreach (var group in groups)
        {
            var symbols = group.Key.Length == 0 ? [] : group.Key.Split(';');
            var options = symbols.Length == 0 ? s_parseOptions : s_parseOptions.WithPreprocessorSymbols(symbols);
            var tree = CSharpSyntaxTree.ParseText(PreprocessorNames.BlankFileDirectives(text), options, path, encoding: null, cancellationToken);
            trees.Add(new VariantTree(tree, group.Select(variant => variant.Label).Where(l => l.Length > 0).ToList()));
        }

        return trees;
    }

    private static List<DeclarationFact> Facts(List<VariantTree> trees, string path, CSharpProject? project, HashSet<string> globals, CancellationToken cancellationToken)
    {
        var source = new SourceContext(project?.Name ?? "", project?.NullableAnnotations ?? false, globals);
        var facts = new List<DeclarationFact>();
        foreach (var (tree, labels) in trees)
        {
            foreach (var fact in DeclarationCollector.Collect(tree, path, source, cancellationToken))
            {
                facts.Add(labels.Count == 0 ? fact : fact with { Variants = labels.ToDictionary(l => l, _ => fact.VariantSurface, StringComparer.Ordinal) });
            }
        }

        return facts;
    }

    private List<BannedApiHit> Hits(List<VariantTree> trees, string path, HashSet<string> globals, CancellationToken cancellationToken) =>
        trees.SelectMany(t => _bannedApis.Scan(t.Tree, path, globals, cancellationToken))
            .DistinctBy(h => (h.Entry.Id, h.Location.Offset))
            .ToList();

    private static HashSet<string> GlobalUsings(IEnumerable<SyntaxTree?> trees)
    {
        var globals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            if (tree?.GetRoot() is CompilationUnitSyntax root)
            {
                globals.UnionWith(BannedApiScanner.GlobalUsings(root));
            }
        }

        return globals;
    }

    private static IEnumerable<CSharpParseError> ParseErrors(List<VariantTree> trees, string path, bool inOldText, CancellationToken cancellationToken) =>
        trees.SelectMany(t => ParseErrors(t.Tree, path, inOldText, cancellationToken)).DistinctBy(e => (e.Id, e.Location.Offset));

    private static IEnumerable<CSharpParseError> ParseErrors(SyntaxTree? tree, string path, bool inOldText, CancellationToken cancellationToken)
    {
        if (tree is null)
        {
            return [];
        }

        return tree.GetDiagnostics(cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Take(MaxParseErrorsPerFile)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                var location = new SourceLocation(path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1)
                {
                    Offset = d.Location.SourceSpan.Start,
                    Length = d.Location.SourceSpan.Length,
                };
                return new CSharpParseError(d.Id, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), location, inOldText);
            })
            .ToList();
    }

    internal static List<MemberChange> DiffDeclarations(IEnumerable<DeclarationFact> oldFacts, IEnumerable<DeclarationFact> newFacts)
    {
        var before = Merge(WithoutHiddenImplicit(oldFacts));
        var after = Merge(WithoutHiddenImplicit(newFacts));
        var beforeVisibility = new Visibility(before);
        var afterVisibility = new Visibility(after);

        // Variants (frameworks, configurations) each project has on both sides. A framework the change adds to or drops
        // from the project file is a change of the project, not of each member's API: members are compared per variant
        // only where both sides compile that variant in the member's own project (another project that targets the
        // framework says nothing about this one).
        var oldLabels = before.Values.SelectMany(f => f.Variants.Keys.Select(l => f.Project + "|" + l)).ToHashSet(StringComparer.Ordinal);
        var newLabels = after.Values.SelectMany(f => f.Variants.Keys.Select(l => f.Project + "|" + l)).ToHashSet(StringComparer.Ordinal);

        // A whole type that appeared or went away stands for its members (partial types excepted: other parts may live on).
        var wholeTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, fact) in before)
        {
            if (fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate && !fact.IsPartial && !after.ContainsKey(id))
            {
                wholeTypes.Add(id);
            }
        }

        foreach (var (id, fact) in after)
        {
            if (fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate && !fact.IsPartial && !before.ContainsKey(id))
            {
                wholeTypes.Add(id);
            }
        }

        var changes = new List<MemberChange>();
        foreach (var id in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(id, out var old);
            after.TryGetValue(id, out var @new);
            var fact = (@new ?? old)!;
            if (InsideWholeType(fact, wholeTypes, before, after))
            {
                continue;
            }

            var oldPublic = old is not null && beforeVisibility.IsPublicApi(old);
            var newPublic = @new is not null && afterVisibility.IsPublicApi(@new);
            IReadOnlyList<string> frameworks = Frameworks((old ?? @new)!.Variants.Keys);
            MemberChange change;
            if (@new is null)
            {
                change = new MemberChange(fact.Key, MemberChangeKind.Removed, oldPublic, IsBreaking: oldPublic, old!.Location) { SignatureChanged = true, DeclarationChanged = true };
            }
            else if (old is null)
            {
                // A new abstract or interface member breaks whoever implements the (already existing) type.
                var container = @new.ContainerId is { } c && after.TryGetValue(c, out var t) ? t : null;
                var breaking = newPublic && @new.IsRequirement && container is { IsExtensible: true } && before.ContainsKey(container.Id);
                change = new MemberChange(fact.Key, MemberChangeKind.Added, newPublic, breaking, @new.Location) { SignatureChanged = true, DeclarationChanged = true };
            }
            else
            {
                // Per variant (framework and configuration): where it went away, appeared, or looks different.
                var lost = old.Variants.Keys.Except(@new.Variants.Keys, StringComparer.Ordinal).Where(l => newLabels.Contains(@new.Project + "|" + l)).ToList();
                var gained = @new.Variants.Keys.Except(old.Variants.Keys, StringComparer.Ordinal).Where(l => oldLabels.Contains(old.Project + "|" + l)).ToList();
                var differs = old.Variants.Keys.Intersect(@new.Variants.Keys, StringComparer.Ordinal)
                    .Where(k => old.Variants[k] != @new.Variants[k]).ToList();
                var variantsDiffer = lost.Count + gained.Count + differs.Count > 0;
                if (old.Full == @new.Full && oldPublic == newPublic && !variantsDiffer && old.Surface == @new.Surface && old.Contract == @new.Contract)
                {
                    continue;
                }

                // Only contract attributes no PublicAPI file records changed ([Obsolete], [EditorBrowsable], [Requires...], nullable
                // attributes): the surface as the files record it is the same in every variant.
                var attributeOnly = oldPublic == newPublic && lost.Count + gained.Count == 0 && old.Surface == @new.Surface
                    && old.Bases.SequenceEqual(@new.Bases, StringComparer.Ordinal) && (old.UnrecordedContract != @new.UnrecordedContract || differs.Count > 0)
                    && differs.All(k => old.Variants[k].Api == @new.Variants[k].Api);

                var contractChanged = old.Contract != @new.Contract;
                var declarationChanged = old.Signature != @new.Signature || old.EffectiveDeclared != @new.EffectiveDeclared || lost.Count + gained.Count > 0
                    || (fact.Kind is DeclarationKind.Type && !old.Bases.SequenceEqual(@new.Bases, StringComparer.Ordinal));
                var nullableChanged = old.NullableAnnotations != @new.NullableAnnotations;
                bool signatureChanged, breaking;
                if (fact.Kind is DeclarationKind.Type)
                {
                    var lostBase = old.Bases.Except(@new.Bases, StringComparer.Ordinal).Any();
                    signatureChanged = old.Signature != @new.Signature || !old.Bases.SequenceEqual(@new.Bases, StringComparer.Ordinal);
                    breaking = oldPublic && (old.Signature != @new.Signature || lostBase || !newPublic);
                }
                else
                {
                    signatureChanged = old.Signature != @new.Signature || old.EffectiveDeclared != @new.EffectiveDeclared;
                    breaking = oldPublic && (signatureChanged || !newPublic);
                    breaking |= newPublic && @new.IsRequirement && !old.IsRequirement;
                }

                breaking |= oldPublic && newPublic && (lost.Count > 0 || (differs.Count > 0 && old.Signature != @new.Signature) || ContractBreaks(old.Contract, @new.Contract));
                signatureChanged |= contractChanged || nullableChanged || variantsDiffer;
                if (variantsDiffer)
                {
                    frameworks = Frameworks(lost.Concat(gained).Concat(differs));
                }

                change = new MemberChange(fact.Key, MemberChangeKind.Changed, oldPublic || newPublic, breaking, @new.Location)
                {
                    SignatureChanged = signatureChanged,
                    DeclarationChanged = declarationChanged,
                    ContractChanged = contractChanged,
                    NullableChanged = nullableChanged,
                    AttributeOnly = attributeOnly,
                };
            }

            var typeId = fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate ? id : fact.ContainerId;
            changes.Add(change with
            {
                Project = fact.Project,
                Frameworks = frameworks,
                Declaration = fact.Kind,
                ContainingType = fact.ContainerKey,
                Namespace = fact.Namespace,
                TypeAttributes = typeId is null ? [] : AttributesOf(typeId, before, after),
                Attributes = (old?.Attributes ?? []).Union(@new?.Attributes ?? [], StringComparer.Ordinal).ToList(),
            });
        }

        changes.Sort((a, b) =>
        {
            var byPath = string.CompareOrdinal(a.Path, b.Path);
            return byPath != 0 ? byPath : (a.Location?.Line ?? 0).CompareTo(b.Location?.Line ?? 0);
        });
        return changes;
    }

    /// <summary>The distinct frameworks of variant labels (<c>net8.0|Release</c>), when there are several to tell apart.</summary>
    private static List<string> Frameworks(IEnumerable<string> labels)
    {
        var frameworks = labels.Select(l => l.Split('|')[0]).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return frameworks;
    }

    /// <summary>An attribute was added that makes callers' builds fail: <c>[Experimental]</c>, <c>[Requires...]</c>, <c>[Obsolete(..., true)]</c>.</summary>
    private static bool ContractBreaks(string before, string after)
    {
        foreach (var name in DeclarationCollector.BreakingWhenAdded)
        {
            if (HasAttribute(after, name) && !HasAttribute(before, name))
            {
                return true;
            }
        }

        return ObsoleteAsError(after) && !ObsoleteAsError(before);

        static bool HasAttribute(string contract, string name) =>
            contract.StartsWith(name, StringComparison.Ordinal) || contract.Contains(" " + name, StringComparison.Ordinal) || contract.Contains(": " + name, StringComparison.Ordinal);

        static bool ObsoleteAsError(string contract) =>
            System.Text.RegularExpressions.Regex.IsMatch(contract, @"(^|[ :])Obsolete\([^)]*(,|error:)\s*true\)");
    }

    /// <summary>The compiler's parameterless constructor exists only while the class declares no constructor in any part.</summary>
    private static IEnumerable<DeclarationFact> WithoutHiddenImplicit(IEnumerable<DeclarationFact> facts)
    {
        var list = facts as IReadOnlyCollection<DeclarationFact> ?? facts.ToList();
        var declaring = list.Where(f => f.Kind == DeclarationKind.Constructor && !f.IsImplicit && f.Key.Contains(".#ctor", StringComparison.Ordinal) && f.ContainerId is not null)
            .Select(f => f.ContainerId!)
            .ToHashSet(StringComparer.Ordinal);
        return declaring.Count == 0 ? list : list.Where(f => !(f.IsImplicit && declaring.Contains(f.ContainerId!)));
    }

    private static IReadOnlyList<string> AttributesOf(string typeId, Dictionary<string, DeclarationFact> before, Dictionary<string, DeclarationFact> after)
    {
        var a = before.TryGetValue(typeId, out var old) ? old.Attributes : [];
        var b = after.TryGetValue(typeId, out var @new) ? @new.Attributes : [];
        return a.Union(b, StringComparer.Ordinal).ToList();
    }

    private static bool InsideWholeType(DeclarationFact fact, HashSet<string> wholeTypes, Dictionary<string, DeclarationFact> before, Dictionary<string, DeclarationFact> after)
    {
        for (var container = fact.ContainerId; container is not null;)
        {
            if (wholeTypes.Contains(container))
            {
                return true;
            }

            container = (after.TryGetValue(container, out var t) ? t : before.GetValueOrDefault(container))?.ContainerId;
        }

        return false;
    }

    /// <summary>
    /// One fact per project and key: partial parts and partial method halves are folded together, and so are the
    /// readings of one declaration under several preprocessor variants (same place in the same file).
    /// </summary>
    private static Dictionary<string, DeclarationFact> Merge(IEnumerable<DeclarationFact> facts)
    {
        var merged = new Dictionary<string, DeclarationFact>(StringComparer.Ordinal);
        var seen = new HashSet<(string Id, string Path, int Offset)>();
        foreach (var fact in facts.OrderBy(f => f.Location.Path, StringComparer.Ordinal).ThenBy(f => f.Location.Offset))
        {
            var firstReading = seen.Add((fact.Id, fact.Location.Path, fact.Location.Offset));
            if (!merged.TryGetValue(fact.Id, out var existing))
            {
                merged[fact.Id] = fact;
                continue;
            }

            var variants = MergeVariants(existing.Variants, fact.Variants);
            if (!firstReading)
            {
                merged[fact.Id] = existing with { Variants = variants };
                continue;
            }

            merged[fact.Id] = existing with
            {
                Variants = variants,
                ContractEntries = existing.Contract == fact.Contract ? existing.ContractEntries : [.. existing.ContractEntries, .. fact.ContractEntries],
                DeclaredAccess = existing.DeclaredAccess ?? fact.DeclaredAccess,
                IsExtensible = existing.IsExtensible && fact.IsExtensible,
                IsPartial = existing.IsPartial || fact.IsPartial,
                IsRequirement = existing.IsRequirement && fact.IsRequirement,
                Signature = existing.Signature.Length >= fact.Signature.Length ? existing.Signature : fact.Signature,
                Full = existing.Full + "\n" + fact.Full,
                Bases = existing.Bases.Union(fact.Bases, StringComparer.Ordinal).ToList(),
                Attributes = existing.Attributes.Union(fact.Attributes, StringComparer.Ordinal).ToList(),
            };
        }

        return merged;
    }

    private static IReadOnlyDictionary<string, VariantSurface> MergeVariants(IReadOnlyDictionary<string, VariantSurface> a, IReadOnlyDictionary<string, VariantSurface> b)
    {
        if (b.Count == 0)
        {
            return a;
        }

        if (a.Count == 0)
        {
            return b;
        }

        var merged = new Dictionary<string, VariantSurface>(a, StringComparer.Ordinal);
        foreach (var (label, surface) in b)
        {
            merged[label] = merged.TryGetValue(label, out var existing) ? existing.Append(surface) : surface;
        }

        return merged;
    }

    internal static List<BannedApiUse> NewBannedUses(IEnumerable<BannedApiHit> oldHits, IEnumerable<BannedApiHit> newHits)
    {
        // Compare counts per banned entry and containing member: moving a use within a member, or editing
        // around it, is not a new use; one more call is.
        var oldGroups = oldHits.GroupBy(h => (h.Entry.Id, h.Member)).ToDictionary(g => g.Key, g => g.ToList());
        var uses = new List<BannedApiUse>();
        foreach (var group in newHits.GroupBy(h => (h.Entry.Id, h.Member)))
        {
            var previous = oldGroups.GetValueOrDefault(group.Key) ?? [];
            var excess = group.Count() - previous.Count;
            if (excess <= 0)
            {
                continue;
            }

            // Report the uses on lines that did not exist before first: those are the new ones.
            var oldLines = previous.Select(h => h.Context).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
            var fresh = new List<BannedApiHit>();
            var familiar = new List<BannedApiHit>();
            foreach (var hit in group)
            {
                if (oldLines.TryGetValue(hit.Context, out var left) && left > 0)
                {
                    oldLines[hit.Context] = left - 1;
                    familiar.Add(hit);
                }
                else
                {
                    fresh.Add(hit);
                }
            }

            uses.AddRange(fresh.Concat(familiar).Take(excess)
                .Select(h => new BannedApiUse(h.Entry.Id, h.Text, h.Member, h.Location)));
        }

        uses.Sort((a, b) => string.CompareOrdinal(a.Location.ToString(), b.Location.ToString()) is var c && c != 0 ? c : string.CompareOrdinal(a.Entry, b.Entry));
        return uses;
    }

    /// <summary>Effective accessibility over one version's declarations, memoised per type.</summary>
    private sealed class Visibility(Dictionary<string, DeclarationFact> facts)
    {
        private readonly Dictionary<string, bool> _typeVisible = new(StringComparer.Ordinal);

        public bool IsPublicApi(DeclarationFact fact)
        {
            if (fact.Kind == DeclarationKind.TopLevelStatements || fact.IsExplicitImplementation)
            {
                return false;
            }

            return fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate ? TypeVisible(fact.Id) : Visible(fact);
        }

        private bool Visible(DeclarationFact fact)
        {
            if (fact.ContainerKey is null)
            {
                return fact.EffectiveDeclared == Access.Public;
            }

            if (!facts.TryGetValue(fact.ContainerId!, out var container) || !TypeVisible(container.Id))
            {
                return false;
            }

            return fact.EffectiveDeclared switch
            {
                Access.Public => true,

                // Reachable from outside by deriving from the containing type, which must allow it.
                Access.Protected or Access.ProtectedInternal => container.IsExtensible,
                _ => false,
            };
        }

        private bool TypeVisible(string key)
        {
            if (_typeVisible.TryGetValue(key, out var visible))
            {
                return visible;
            }

            _typeVisible[key] = false; // guards against a cycle in malformed input
            visible = facts.TryGetValue(key, out var fact) && Visible(fact);
            _typeVisible[key] = visible;
            return visible;
        }
    }

    private sealed record VariantTree(SyntaxTree Tree, List<string> Labels);

    private sealed record ParsedFile(string Path, List<VariantTree> Old, List<VariantTree> New, CSharpProject? OldProject, CSharpProject? NewProject);

    private sealed record FileResult(
        List<DeclarationFact> OldFacts,
        List<DeclarationFact> NewFacts,
        List<BannedApiHit> OldHits,
        List<BannedApiHit> NewHits,
        List<CSharpParseError> Errors);
}
