using Microsoft.CodeAnalysis;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// Decides which banned entries a bound symbol falls under, by documentation comment id: <c>M:</c>, <c>P:</c>,
/// <c>F:</c> and <c>E:</c> name exactly one member (one overload: <c>M:System.IO.File.Delete(System.String)</c>,
/// or the parameterless <c>M:System.Diagnostics.Process.Kill</c>); <c>T:</c> names a type and covers its members
/// and nested types; <c>N:</c> covers a namespace and the namespaces inside it. A plain qualified name
/// (no prefix) covers whatever has that name or lies under it, every overload included, as in syntax mode.
/// </summary>
internal sealed class BannedSymbolMatcher
{
    private readonly Dictionary<string, BannedApiEntry> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BannedApiEntry> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BannedApiEntry> _namespaces = new(StringComparer.Ordinal);
    private readonly List<BannedApiEntry> _names = [];

    public BannedSymbolMatcher(IEnumerable<BannedApiEntry> entries)
    {
        foreach (var entry in entries)
        {
            // Blanks inside an id are never part of it ("M:A.B(System.Int32, System.String)" as people write it).
            var id = string.Concat(entry.Id.Where(c => !char.IsWhiteSpace(c)));
            switch (entry.Kind)
            {
                case 'T':
                    _types.TryAdd(id[2..], entry);
                    break;
                case 'N':
                    _namespaces.TryAdd(id[2..], entry);
                    break;
                case '?':
                    _names.Add(entry);
                    break;
                default:
                    _members.TryAdd(id, entry);
                    break;
            }
        }
    }

    public bool IsEmpty => _members.Count == 0 && _types.Count == 0 && _namespaces.Count == 0 && _names.Count == 0;

    /// <summary>The entries <paramref name="symbol"/> falls under, each once, most specific first.</summary>
    public List<BannedApiEntry> Match(ISymbol symbol)
    {
        var matches = new List<BannedApiEntry>();
        symbol = Definition(symbol);
        if (symbol is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol or ILabelSymbol or IDiscardSymbol or ITypeParameterSymbol or IPreprocessingSymbol)
        {
            return matches;
        }

        if (symbol is not (INamedTypeSymbol or INamespaceSymbol) && symbol.GetDocumentationCommentId() is { } memberId && _members.TryGetValue(memberId, out var member))
        {
            matches.Add(member);
        }

        for (var current = symbol; current is not null; current = current.ContainingSymbol)
        {
            if (current is INamedTypeSymbol type && type.GetDocumentationCommentId() is { Length: > 2 } typeId)
            {
                // "T:System.Collections.Generic.List" (arity left out, as syntax mode allows) names List`1 too.
                var name = typeId[2..];
                if (_types.TryGetValue(name, out var entry) || (name.Contains('`') && _types.TryGetValue(WithoutArity(name), out entry)))
                {
                    AddOnce(matches, entry);
                }
            }
            else if (current is INamespaceSymbol { IsGlobalNamespace: false } ns && _namespaces.TryGetValue(ns.ToDisplayString(), out var entry))
            {
                AddOnce(matches, entry);
            }
        }

        if (_names.Count > 0)
        {
            var segments = Segments(symbol);
            foreach (var entry in _names.Where(e => e.Segments.Count <= segments.Count && e.Segments.SequenceEqual(segments.Take(e.Segments.Count), StringComparer.Ordinal)))
            {
                AddOnce(matches, entry);
            }
        }

        return matches;
    }

    /// <summary>The declaration a use refers to: <c>List&lt;int&gt;.Add</c> is <c>List&lt;T&gt;.Add(T)</c>, <c>x.Where(...)</c> is <c>Enumerable.Where</c>.</summary>
    private static ISymbol Definition(ISymbol symbol)
    {
        if (symbol is IAliasSymbol alias)
        {
            symbol = alias.Target;
        }

        if (symbol is IMethodSymbol method)
        {
            symbol = method.ReducedFrom ?? method;
        }

        return symbol.OriginalDefinition;
    }

    /// <summary>Namespace, type and member names from the outside in, without arity: how a plain entry is written.</summary>
    private static List<string> Segments(ISymbol symbol)
    {
        var segments = new List<string>();
        for (var current = symbol; current is not null && current is not INamespaceSymbol { IsGlobalNamespace: true }; current = current.ContainingSymbol)
        {
            // A constructor is used by naming its type.
            if (current is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor })
            {
                continue;
            }

            segments.Add(current.Name);
        }

        segments.Reverse();
        return segments;
    }

    private static string WithoutArity(string name) =>
        string.Join('.', name.Split('.').Select(s => s.Split('`')[0]));

    private static void AddOnce(List<BannedApiEntry> matches, BannedApiEntry entry)
    {
        if (!matches.Contains(entry))
        {
            matches.Add(entry);
        }
    }
}
