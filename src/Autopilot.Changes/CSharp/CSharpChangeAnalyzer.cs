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
public sealed class CSharpChangeAnalyzer
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

        // A file whose text did not change cannot change a declaration or add a use; don't parse it.
        var changes = all.Where(f => !string.Equals(f.OldText, f.NewText, StringComparison.Ordinal)).ToArray();
        var parsed = new ParsedFile[changes.Length];
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };

        Parallel.For(0, changes.Length, options, i =>
        {
            var change = changes[i];
            parsed[i] = new ParsedFile(change.Path, Parse(change.OldText, change.Path, cancellationToken), Parse(change.NewText, change.Path, cancellationToken));
        });

        // Global usings of one changed file are in scope in all the others.
        var oldGlobals = GlobalUsings(parsed.Select(p => p.Old));
        var newGlobals = GlobalUsings(parsed.Select(p => p.New));

        var results = new FileResult[changes.Length];
        Parallel.For(0, changes.Length, options, i =>
        {
            var file = parsed[i];
            results[i] = new FileResult(
                file.Old is null ? [] : DeclarationCollector.Collect(file.Old, file.Path, cancellationToken),
                file.New is null ? [] : DeclarationCollector.Collect(file.New, file.Path, cancellationToken),
                file.Old is null ? [] : _bannedApis.Scan(file.Old, file.Path, oldGlobals, cancellationToken),
                file.New is null ? [] : _bannedApis.Scan(file.New, file.Path, newGlobals, cancellationToken),
                [.. ParseErrors(file.Old, file.Path, inOldText: true, cancellationToken), .. ParseErrors(file.New, file.Path, inOldText: false, cancellationToken)]);
        });

        return new CSharpChangeReport
        {
            Members = DiffDeclarations(results.SelectMany(r => r.OldFacts), results.SelectMany(r => r.NewFacts)),
            BannedApiUses = NewBannedUses(results.SelectMany(r => r.OldHits), results.SelectMany(r => r.NewHits)),
            ParseErrors = results.SelectMany(r => r.Errors).ToList(),
            FileCount = all.Count,
        };
    }

    private static SyntaxTree? Parse(string? text, string path, CancellationToken cancellationToken) =>
        text is null ? null : CSharpSyntaxTree.ParseText(text, s_parseOptions, path, encoding: null, cancellationToken);

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
        var before = Merge(oldFacts);
        var after = Merge(newFacts);
        var beforeVisibility = new Visibility(before);
        var afterVisibility = new Visibility(after);

        // A whole type that appeared or went away stands for its members (partial types excepted: other parts may live on).
        var wholeTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, fact) in before)
        {
            if (fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate && !fact.IsPartial && !after.ContainsKey(key))
            {
                wholeTypes.Add(key);
            }
        }

        foreach (var (key, fact) in after)
        {
            if (fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate && !fact.IsPartial && !before.ContainsKey(key))
            {
                wholeTypes.Add(key);
            }
        }

        var changes = new List<MemberChange>();
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(key, out var old);
            after.TryGetValue(key, out var @new);
            var fact = (@new ?? old)!;
            if (InsideWholeType(fact, wholeTypes, before, after))
            {
                continue;
            }

            var oldPublic = old is not null && beforeVisibility.IsPublicApi(old);
            var newPublic = @new is not null && afterVisibility.IsPublicApi(@new);
            MemberChange change;
            if (@new is null)
            {
                change = new MemberChange(key, MemberChangeKind.Removed, oldPublic, IsBreaking: oldPublic, old!.Location) { SignatureChanged = true };
            }
            else if (old is null)
            {
                // A new abstract or interface member breaks whoever implements the (already existing) type.
                var container = @new.ContainerKey is { } c && after.TryGetValue(c, out var t) ? t : null;
                var breaking = newPublic && @new.IsRequirement && container is { IsExtensible: true } && before.ContainsKey(container.Key);
                change = new MemberChange(key, MemberChangeKind.Added, newPublic, breaking, @new.Location) { SignatureChanged = true };
            }
            else
            {
                if (old.Full == @new.Full && oldPublic == newPublic)
                {
                    continue;
                }

                bool signatureChanged, breaking;
                if (fact.Kind is DeclarationKind.Type)
                {
                    var lostBase = old.Bases.Except(@new.Bases, StringComparer.Ordinal).Any();
                    signatureChanged = old.Signature != @new.Signature || !old.Bases.SequenceEqual(@new.Bases, StringComparer.Ordinal);
                    breaking = oldPublic && (old.Signature != @new.Signature || lostBase || !newPublic);
                }
                else
                {
                    signatureChanged = old.Signature != @new.Signature;
                    breaking = oldPublic && (signatureChanged || !newPublic);
                    breaking |= newPublic && @new.IsRequirement && !old.IsRequirement;
                }

                change = new MemberChange(key, MemberChangeKind.Changed, oldPublic || newPublic, breaking, @new.Location) { SignatureChanged = signatureChanged };
            }

            var typeKey = fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate ? key : fact.ContainerKey;
            changes.Add(change with
            {
                Declaration = fact.Kind,
                ContainingType = fact.ContainerKey,
                Namespace = fact.Namespace,
                TypeAttributes = typeKey is null ? [] : AttributesOf(typeKey, before, after),
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

    private static IReadOnlyList<string> AttributesOf(string typeKey, Dictionary<string, DeclarationFact> before, Dictionary<string, DeclarationFact> after)
    {
        var a = before.TryGetValue(typeKey, out var old) ? old.Attributes : [];
        var b = after.TryGetValue(typeKey, out var @new) ? @new.Attributes : [];
        return a.Union(b, StringComparer.Ordinal).ToList();
    }

    private static bool InsideWholeType(DeclarationFact fact, HashSet<string> wholeTypes, Dictionary<string, DeclarationFact> before, Dictionary<string, DeclarationFact> after)
    {
        for (var container = fact.ContainerKey; container is not null;)
        {
            if (wholeTypes.Contains(container))
            {
                return true;
            }

            container = (after.TryGetValue(container, out var t) ? t : before.GetValueOrDefault(container))?.ContainerKey;
        }

        return false;
    }

    /// <summary>One fact per key: partial parts and partial method halves are folded together.</summary>
    private static Dictionary<string, DeclarationFact> Merge(IEnumerable<DeclarationFact> facts)
    {
        var merged = new Dictionary<string, DeclarationFact>(StringComparer.Ordinal);
        foreach (var fact in facts.OrderBy(f => f.Location.Path, StringComparer.Ordinal).ThenBy(f => f.Location.Offset))
        {
            if (!merged.TryGetValue(fact.Key, out var existing))
            {
                merged[fact.Key] = fact;
                continue;
            }

            merged[fact.Key] = existing with
            {
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

            return fact.Kind is DeclarationKind.Type or DeclarationKind.Delegate ? TypeVisible(fact.Key) : Visible(fact);
        }

        private bool Visible(DeclarationFact fact)
        {
            if (fact.ContainerKey is null)
            {
                return fact.EffectiveDeclared == Access.Public;
            }

            if (!facts.TryGetValue(fact.ContainerKey, out var container) || !TypeVisible(container.Key))
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

    private sealed record ParsedFile(string Path, SyntaxTree? Old, SyntaxTree? New);

    private sealed record FileResult(
        List<DeclarationFact> OldFacts,
        List<DeclarationFact> NewFacts,
        List<BannedApiHit> OldHits,
        List<BannedApiHit> NewHits,
        List<CSharpParseError> Errors);
}
