using Autopilot.Policy.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Autopilot.Changes.CSharp;

/// <summary>A use of a banned API found in one version of a file (before the old/new comparison).</summary>
internal sealed record BannedApiHit(BannedApiEntry Entry, string Text, string Member, string Context, SourceLocation Location);

/// <summary>
/// Finds uses of banned APIs by syntax: every name chain (<c>Process.Start</c>, <c>System.IO.File</c>,
/// <c>new WebClient()</c>) is qualified with what is in scope (usings, aliases, static usings, enclosing
/// namespaces, global usings of the changed files and the SDK's implicit usings) and compared with the
/// banned names. Without a semantic model it cannot see through variables (<c>p.Kill()</c> on a Process
/// local is not found; the <c>new Process()</c> that made it is) and it bans every overload of a method.
/// </summary>
internal sealed class BannedApiScanner
{
    /// <summary>The namespaces Microsoft.NET.Sdk imports when ImplicitUsings is on: assumed in scope, to fail safe.</summary>
    public static readonly IReadOnlyList<string> ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
    ];

    private readonly IReadOnlyList<BannedApiEntry> _entries;
    private readonly HashSet<string> _lastSegments;

    public BannedApiScanner(IReadOnlyList<BannedApiEntry> entries)
    {
        _entries = entries;
        _lastSegments = new HashSet<string>(entries.Select(e => e.Segments[^1]), StringComparer.Ordinal);
    }

    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Namespaces imported by <c>global using</c> directives in <paramref name="root"/>.</summary>
    public static IEnumerable<string> GlobalUsings(CompilationUnitSyntax root) =>
        root.Usings.Where(u => u.GlobalKeyword != default && u.Alias is null && u.StaticKeyword == default && u.Name is not null)
            .Select(u => Flatten(u.Name!) is { } s ? string.Join(".", s.Segments) : "")
            .Where(s => s.Length > 0);

    public List<BannedApiHit> Scan(SyntaxTree tree, string path, IReadOnlyCollection<string> globalUsings, CancellationToken cancellationToken)
    {
        var hits = new List<BannedApiHit>();
        if (IsEmpty)
        {
            return hits;
        }

        var text = tree.GetText(cancellationToken);
        var source = text.ToString();

        // Most files mention no banned name at all: a text search is far cheaper than a walk of the tree.
        if (!_lastSegments.Any(name => source.Contains(name, StringComparison.Ordinal)))
        {
            return hits;
        }

        var root = tree.GetRoot(cancellationToken);
        var names = new HashSet<string>(_lastSegments, StringComparer.Ordinal);
        foreach (var directive in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>())
        {
            if (directive.Alias is not null)
            {
                names.Add(directive.Alias.Name.Identifier.ValueText);
            }
        }

        // Start from the identifiers that could matter and climb to the whole name chain they belong to.
        var scopes = new Dictionary<SyntaxNode, Scope>();
        var seen = new HashSet<SyntaxNode>();
        foreach (var token in root.DescendantTokens())
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || !names.Contains(token.ValueText) || token.Parent is not SimpleNameSyntax name)
            {
                continue;
            }

            var node = ChainRoot(name);
            if (node is null || !seen.Add(node))
            {
                continue;
            }

            var chain = Flatten(node);
            if (chain is null)
            {
                continue;
            }

            var usingDirective = node.Parent as UsingDirectiveSyntax ?? node.Parent?.Parent as UsingDirectiveSyntax;
            var candidates = Candidates(chain.Value, node, usingDirective is not null, scopes, globalUsings);
            BannedApiEntry? matched = null;
            foreach (var entry in _entries)
            {
                if (candidates.Any(c => Matches(entry, c)))
                {
                    matched = entry;
                    break;
                }
            }

            if (matched is null)
            {
                continue;
            }

            var position = text.Lines.GetLinePosition(node.SpanStart);
            var line = UseContext(node);
            hits.Add(new BannedApiHit(
                matched,
                string.Join(".", chain.Value.Segments),
                DeclarationCollector.EnclosingKey(node),
                line,
                new SourceLocation(path, position.Line + 1, position.Character + 1) { Offset = node.SpanStart, Length = node.Span.Length }));
        }

        return hits;
    }

    // What the use looks like, blanks collapsed: "Process.Start("a")" is the same use wherever it moved within its member.
    private static string UseContext(SyntaxNode node)
    {
        var context = node.Parent is InvocationExpressionSyntax or ObjectCreationExpressionSyntax
            ? node.Parent
            : node.Ancestors().FirstOrDefault(a => a is StatementSyntax or MemberDeclarationSyntax or UsingDirectiveSyntax) ?? node;
        return DeclarationCollector.TokenText(context, static _ => true);
    }

    private static bool Matches(BannedApiEntry entry, Candidate candidate)
    {
        if (entry.IsNamespace && !candidate.AsWritten)
        {
            // "using System.IO;" then "Foo" would otherwise look like System.IO.Foo.
            return false;
        }

        var segments = entry.Segments;
        if (candidate.ExactOnly ? candidate.Segments.Count != segments.Count : candidate.Segments.Count < segments.Count)
        {
            return false;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            if (!string.Equals(candidate.Segments[i], segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static List<Candidate> Candidates(Chain chain, SyntaxNode node, bool inUsing, Dictionary<SyntaxNode, Scope> scopes, IReadOnlyCollection<string> globalUsings)
    {
        var segments = chain.Segments;
        var candidates = new List<Candidate>();
        if (chain.Global || inUsing)
        {
            candidates.Add(new Candidate(segments, AsWritten: true, ExactOnly: false));
            return candidates;
        }

        var scope = ScopeOf(node, scopes, globalUsings);
        if (scope.Aliases.TryGetValue(segments[0], out var target))
        {
            candidates.Add(new Candidate([.. target, .. segments.Skip(1)], AsWritten: true, ExactOnly: false));
            return candidates;
        }

        candidates.Add(new Candidate(segments, AsWritten: true, ExactOnly: false));
        foreach (var ns in scope.Namespaces)
        {
            candidates.Add(new Candidate([.. ns, .. segments], AsWritten: false, ExactOnly: false));
        }

        if (segments.Count == 1)
        {
            foreach (var type in scope.StaticTypes)
            {
                candidates.Add(new Candidate([.. type, .. segments], AsWritten: false, ExactOnly: true));
            }
        }

        return candidates;
    }

    private static Scope ScopeOf(SyntaxNode node, Dictionary<SyntaxNode, Scope> scopes, IReadOnlyCollection<string> globalUsings)
    {
        // The innermost namespace (or the file) decides; scopes are built once per container and cached.
        SyntaxNode container = node.Ancestors().FirstOrDefault(a => a is BaseNamespaceDeclarationSyntax or CompilationUnitSyntax) ?? node;
        if (scopes.TryGetValue(container, out var scope))
        {
            return scope;
        }

        var namespaces = new List<string[]>();
        var aliases = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var statics = new List<string[]>();
        foreach (var level in container.AncestorsAndSelf())
        {
            var usings = level switch
            {
                BaseNamespaceDeclarationSyntax n => n.Usings,
                CompilationUnitSyntax c => c.Usings,
                _ => default,
            };
            foreach (var directive in usings)
            {
                if (directive.Name is null || Flatten(directive.Name) is not { } name)
                {
                    continue;
                }

                var target = name.Segments.ToArray();
                if (directive.Alias is not null)
                {
                    aliases.TryAdd(directive.Alias.Name.Identifier.ValueText, target);
                }
                else if (directive.StaticKeyword != default)
                {
                    statics.Add(target);
                }
                else
                {
                    namespaces.Add(target);
                }
            }

            // Code inside "namespace A.B" sees A.B and A without a using.
            if (level is BaseNamespaceDeclarationSyntax ns && Flatten(ns.Name) is { } nsName)
            {
                var parts = nsName.Segments.ToArray();
                var outer = level.Ancestors().OfType<BaseNamespaceDeclarationSyntax>()
                    .Reverse().SelectMany(o => Flatten(o.Name)?.Segments ?? []).ToArray();
                for (var i = parts.Length; i > 0; i--)
                {
                    namespaces.Add([.. outer, .. parts[..i]]);
                }
            }
        }

        foreach (var global in globalUsings.Concat(ImplicitUsings))
        {
            namespaces.Add(global.Split('.'));
        }

        scope = new Scope(namespaces, aliases, statics);
        scopes[container] = scope;
        return scope;
    }

    /// <summary>The outermost name or member access that <paramref name="name"/> is part of; null for a declared name.</summary>
    private static SyntaxNode? ChainRoot(SimpleNameSyntax name)
    {
        SyntaxNode node = name;
        while (true)
        {
            var parent = node.Parent;
            if (parent is MemberAccessExpressionSyntax access && access.IsKind(SyntaxKind.SimpleMemberAccessExpression)
                && (access.Expression == node || access.Name == node))
            {
                node = parent;
            }
            else if (parent is QualifiedNameSyntax or AliasQualifiedNameSyntax)
            {
                node = parent;
            }
            else
            {
                break;
            }
        }

        // Declared names are not uses; neither is the alias name of "using X = ...".
        return node.Parent is BaseNamespaceDeclarationSyntax or NameEqualsSyntax ? null : node;
    }

    private static Chain? Flatten(SyntaxNode node)
    {
        var segments = new List<string>();
        var global = false;
        var current = node;
        var stack = new Stack<SyntaxNode>();
        while (true)
        {
            switch (current)
            {
                case MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression):
                    stack.Push(access.Name);
                    current = access.Expression;
                    continue;
                case QualifiedNameSyntax qualified:
                    stack.Push(qualified.Right);
                    current = qualified.Left;
                    continue;
                case AliasQualifiedNameSyntax aliased when aliased.Alias.Identifier.IsKind(SyntaxKind.GlobalKeyword):
                    global = true;
                    stack.Push(aliased.Name);
                    break;
                case SimpleNameSyntax simple:
                    stack.Push(simple);
                    break;
                case PredefinedTypeSyntax predefined when s_predefined.TryGetValue(predefined.Keyword.Kind(), out var clr):
                    global = true;
                    segments.Add("System");
                    segments.Add(clr);
                    break;
                default:
                    return null;
            }

            break;
        }

        while (stack.Count > 0)
        {
            segments.Add(((SimpleNameSyntax)stack.Pop()).Identifier.ValueText);
        }

        return segments.Count == 0 ? null : new Chain(segments, global);
    }

    private static readonly Dictionary<SyntaxKind, string> s_predefined = new()
    {
        [SyntaxKind.StringKeyword] = "String", [SyntaxKind.ObjectKeyword] = "Object", [SyntaxKind.IntKeyword] = "Int32",
        [SyntaxKind.LongKeyword] = "Int64", [SyntaxKind.BoolKeyword] = "Boolean", [SyntaxKind.DoubleKeyword] = "Double",
        [SyntaxKind.DecimalKeyword] = "Decimal", [SyntaxKind.CharKeyword] = "Char", [SyntaxKind.ByteKeyword] = "Byte",
    };

    private readonly record struct Chain(List<string> Segments, bool Global);

    private sealed record Candidate(IReadOnlyList<string> Segments, bool AsWritten, bool ExactOnly);

    private sealed record Scope(List<string[]> Namespaces, Dictionary<string, string[]> Aliases, List<string[]> StaticTypes);
}
