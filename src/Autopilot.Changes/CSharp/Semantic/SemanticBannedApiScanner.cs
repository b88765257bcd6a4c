using Autopilot.Policy.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// Finds uses of banned APIs with a semantic model: every name (type references, member accesses, calls,
/// through variables too: <c>p.Kill()</c> on a Process local), object creation and indexer access is bound to its
/// symbol and that symbol, not its spelling, is compared with the banned entries. A user type that merely
/// shares a banned type's name is not a use.
/// </summary>
/// <remarks>
/// One hit per entry and name chain (<c>System.IO.File.Delete(x)</c> is one use of <c>N:System.IO</c>, not three),
/// placed like syntax mode places it, with the same member key, so old and new versions are counted alike.
/// Using directives, namespace declarations and the <c>var</c> keyword are not uses.
/// </remarks>
internal static class SemanticBannedApiScanner
{
    public static List<BannedApiHit> Scan(SemanticModel model, string path, BannedSymbolMatcher matcher, CancellationToken cancellationToken)
    {
        var hits = new List<BannedApiHit>();
        if (matcher.IsEmpty)
        {
            return hits;
        }

        var tree = model.SyntaxTree;
        var text = tree.GetText(cancellationToken);
        var root = tree.GetRoot(cancellationToken);
        var seen = new HashSet<(SyntaxNode Node, BannedApiEntry Entry)>();

        // Using directives and namespace names are declarations of scope, not uses.
        foreach (var node in root.DescendantNodes(n => n is not UsingDirectiveSyntax && n is not NameSyntax { Parent: BaseNamespaceDeclarationSyntax }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            SyntaxNode site;
            switch (node)
            {
                case IdentifierNameSyntax { IsVar: true }:
                    continue; // the type "var" stands for is used where the value came from
                case SimpleNameSyntax name when name.Parent is not (UsingDirectiveSyntax or BaseNamespaceDeclarationSyntax):
                    site = ChainRoot(name);
                    break;
                case ObjectCreationExpressionSyntax creation:
                    // The constructor is reported where the type is named, so "new Process()" is one use.
                    site = creation.Type is NameSyntax typeName ? ChainRoot(typeName) : creation;
                    break;
                case ImplicitObjectCreationExpressionSyntax or ElementAccessExpressionSyntax:
                    site = node;
                    break;
                default:
                    continue;
            }

            foreach (var symbol in Bound(model, node, cancellationToken))
            {
                foreach (var entry in matcher.Match(symbol))
                {
                    if (!seen.Add((site, entry)))
                    {
                        continue;
                    }

                    var position = text.Lines.GetLinePosition(site.SpanStart);
                    hits.Add(new BannedApiHit(
                        entry,
                        UseText(site),
                        DeclarationCollector.EnclosingKey(site),
                        UseContext(site),
                        new SourceLocation(path, position.Line + 1, position.Character + 1) { Offset = site.SpanStart, Length = site.Span.Length }));
                }
            }
        }

        hits.Sort((a, b) => a.Location.Offset.CompareTo(b.Location.Offset));
        return hits;
    }

    /// <summary>The symbol a node binds to; when binding failed, every candidate (any of them may be the one meant).</summary>
    private static IEnumerable<ISymbol> Bound(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        var info = model.GetSymbolInfo(node, cancellationToken);
        if (info.Symbol is not null)
        {
            return [info.Symbol];
        }

        // A method group under nameof, or code that does not bind (such files fall back to syntax anyway):
        // any candidate may be the one meant, so each counts.
        return info.CandidateSymbols;
    }

    /// <summary>The outermost member access or qualified name that <paramref name="name"/> belongs to.</summary>
    private static SyntaxNode ChainRoot(NameSyntax name)
    {
        SyntaxNode node = name;
        while (true)
        {
            var parent = node.Parent;
            if (parent is MemberAccessExpressionSyntax access && access.IsKind(SyntaxKind.SimpleMemberAccessExpression) && (access.Expression == node || access.Name == node))
            {
                node = parent;
            }
            else if (parent is QualifiedNameSyntax or AliasQualifiedNameSyntax)
            {
                node = parent;
            }
            else
            {
                return node;
            }
        }
    }

    /// <summary>The use as written, arguments left out: <c>p.Kill</c>, <c>Factory.Make().Kill</c>, <c>new()</c>.</summary>
    private static string UseText(SyntaxNode site) =>
        string.Concat(site.DescendantTokens(static n => n is not ArgumentSyntax)
            .Where(static t => !(t.IsKind(SyntaxKind.CommaToken) && t.Parent is BaseArgumentListSyntax))
            .Select(static t => t.Text));

    // The same notion of "the line of the use" as syntax mode: a use that stays on an unchanged line is familiar.
    private static string UseContext(SyntaxNode site)
    {
        var context = site.Parent is InvocationExpressionSyntax or ObjectCreationExpressionSyntax
            ? site.Parent
            : site.Ancestors().FirstOrDefault(a => a is StatementSyntax or MemberDeclarationSyntax or UsingDirectiveSyntax) ?? site;
        return DeclarationCollector.TokenText(context, static _ => true);
    }
}
