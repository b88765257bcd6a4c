using System.Text;
using System.Text.RegularExpressions;
using Autopilot.Policy.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Reads the declarations of one syntax tree into <see cref="DeclarationFact"/>s with stable keys.
/// Syntax only: names are compared as written (with the predefined-type aliases unified, so
/// <c>System.Int32</c> and <c>int</c> give the same key).
/// </summary>
internal static partial class DeclarationCollector
{
    public const string TopLevelKey = "<top-level statements>";

    public static List<DeclarationFact> Collect(SyntaxTree tree, string path, CancellationToken cancellationToken)
    {
        var facts = new List<DeclarationFact>();
        var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        var context = new Context(tree, path, facts, cancellationToken);
        var globals = new List<GlobalStatementSyntax>();
        foreach (var member in root.Members)
        {
            if (member is GlobalStatementSyntax global)
            {
                globals.Add(global);
            }
            else
            {
                context.Member(member, "", null, containerKind: null);
            }
        }

        if (globals.Count > 0)
        {
            facts.Add(new DeclarationFact
            {
                Key = TopLevelKey,
                Kind = DeclarationKind.TopLevelStatements,
                DefaultAccess = Access.Private,
                Full = string.Join("\n", globals.Select(g => TokenText(g, static _ => true))),
                Location = context.At(globals[0].GetFirstToken()),
            });
        }

        return facts;
    }

    /// <summary>Key of the declaration that contains <paramref name="node"/> (a member, a type, or the usings).</summary>
    public static string EnclosingKey(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case UsingDirectiveSyntax:
                    return "<usings>";
                case GlobalStatementSyntax:
                    return TopLevelKey;
                case BaseTypeDeclarationSyntax type:
                    return TypeKey(type);
                case DelegateDeclarationSyntax @delegate:
                    return TypeKey(@delegate);
                case EnumMemberDeclarationSyntax enumMember:
                    return TypeKey((BaseTypeDeclarationSyntax)enumMember.Parent!) + "." + enumMember.Identifier.ValueText;
                case MemberDeclarationSyntax member when current.Parent is TypeDeclarationSyntax owner:
                    var ownerKey = TypeKey(owner);
                    return member switch
                    {
                        BaseFieldDeclarationSyntax field => ownerKey + "." + string.Join(",", field.Declaration.Variables.Select(v => v.Identifier.ValueText)),
                        _ => ownerKey + "." + MemberName(member, owner),
                    };
            }
        }

        return "<usings>";
    }

    private static string TypeKey(SyntaxNode type)
    {
        var parts = new List<string>();
        string? ns = null;
        for (var current = type; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case BaseTypeDeclarationSyntax t:
                    parts.Add(TypeSegment(t.Identifier, (t as TypeDeclarationSyntax)?.TypeParameterList));
                    break;
                case DelegateDeclarationSyntax d:
                    parts.Add(TypeSegment(d.Identifier, d.TypeParameterList));
                    break;
                case BaseNamespaceDeclarationSyntax n:
                    ns = ns is null ? NameText(n.Name) : NameText(n.Name) + "." + ns;
                    break;
            }
        }

        parts.Reverse();
        var typePath = string.Join(".", parts);
        return string.IsNullOrEmpty(ns) ? typePath : ns + "." + typePath;
    }

    private static string TypeSegment(SyntaxToken identifier, TypeParameterListSyntax? typeParameters) =>
        typeParameters is { Parameters.Count: > 0 } list ? $"{identifier.ValueText}`{list.Parameters.Count}" : identifier.ValueText;

    private static string NameText(NameSyntax name) => TokenText(name, static _ => true, separator: "");

    /// <summary>Name plus parameter list (and arity) of a member, as it appears in its key.</summary>
    private static string MemberName(MemberDeclarationSyntax member, TypeDeclarationSyntax? owner) => member switch
    {
        MethodDeclarationSyntax m => ExplicitPrefix(m.ExplicitInterfaceSpecifier) + TypeSegment(m.Identifier, m.TypeParameterList) + Parameters(m.ParameterList),
        ConstructorDeclarationSyntax c => (c.Modifiers.Any(SyntaxKind.StaticKeyword) ? "#cctor" : "#ctor") + Parameters(c.ParameterList),
        DestructorDeclarationSyntax => "Finalize()",
        OperatorDeclarationSyntax o => ExplicitPrefix(o.ExplicitInterfaceSpecifier) + "operator " + o.OperatorToken.Text + Parameters(o.ParameterList),
        ConversionOperatorDeclarationSyntax c => ExplicitPrefix(c.ExplicitInterfaceSpecifier) + c.ImplicitOrExplicitKeyword.Text + " operator " + TypeText(c.Type) + Parameters(c.ParameterList),
        PropertyDeclarationSyntax p => ExplicitPrefix(p.ExplicitInterfaceSpecifier) + p.Identifier.ValueText,
        IndexerDeclarationSyntax i => ExplicitPrefix(i.ExplicitInterfaceSpecifier) + "this[" + string.Join(", ", i.ParameterList.Parameters.Select(ParameterType)) + "]",
        EventDeclarationSyntax e => ExplicitPrefix(e.ExplicitInterfaceSpecifier) + e.Identifier.ValueText,
        _ => member.Kind().ToString(),
    };

    private static string ExplicitPrefix(ExplicitInterfaceSpecifierSyntax? specifier) =>
        specifier is null ? "" : TypeText(specifier.Name) + ".";

    private static string Parameters(BaseParameterListSyntax? list) =>
        list is null ? "()" : "(" + string.Join(", ", list.Parameters.Select(ParameterType)) + ")";

    private static string ParameterType(BaseParameterSyntax parameter)
    {
        var builder = new StringBuilder();
        foreach (var modifier in parameter.Modifiers)
        {
            // ref/out/in take part in overloading; params, this and scoped do not.
            if (modifier.Kind() is SyntaxKind.RefKeyword or SyntaxKind.OutKeyword or SyntaxKind.InKeyword or SyntaxKind.ReadOnlyKeyword)
            {
                builder.Append(modifier.Text).Append(' ');
            }
        }

        builder.Append(parameter.Type is null ? "__arglist" : TypeText(parameter.Type));
        return builder.ToString();
    }

    /// <summary>A type as written, trivia dropped, <c>", "</c> between arguments, predefined aliases unified.</summary>
    internal static string TypeText(SyntaxNode type)
    {
        var text = TokenText(type, static _ => true, separator: "");
        text = text.Replace(",", ", ", StringComparison.Ordinal);
        return PredefinedAlias().Replace(text, m => s_aliases[m.Groups[1].Value]);
    }

    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal)
    {
        ["Boolean"] = "bool", ["Byte"] = "byte", ["SByte"] = "sbyte", ["Char"] = "char", ["Decimal"] = "decimal",
        ["Double"] = "double", ["Single"] = "float", ["Int32"] = "int", ["UInt32"] = "uint", ["Int64"] = "long",
        ["UInt64"] = "ulong", ["Int16"] = "short", ["UInt16"] = "ushort", ["Object"] = "object", ["String"] = "string",
        ["IntPtr"] = "nint", ["UIntPtr"] = "nuint",
    };

    [GeneratedRegex(@"(?<![\w.:])(?:(?:global::)?System\.)?(Boolean|Byte|SByte|Char|Decimal|Double|Single|Int32|UInt32|Int64|UInt64|Int16|UInt16|Object|String|IntPtr|UIntPtr)(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex PredefinedAlias();

    /// <summary>The tokens of <paramref name="node"/> joined by <paramref name="separator"/>, not descending where <paramref name="descend"/> says no.</summary>
    internal static string TokenText(SyntaxNode node, Func<SyntaxNode, bool> descend, string separator = " ")
    {
        var builder = new StringBuilder();
        foreach (var token in node.DescendantTokens(descend))
        {
            if (builder.Length > 0)
            {
                builder.Append(separator);
            }

            builder.Append(token.Text);
        }

        return builder.ToString();
    }

    private sealed class Context(SyntaxTree tree, string path, List<DeclarationFact> facts, CancellationToken cancellationToken)
    {
        private readonly Microsoft.CodeAnalysis.Text.SourceText _text = tree.GetText(cancellationToken);

        public SourceLocation At(SyntaxToken token)
        {
            var position = _text.Lines.GetLinePosition(token.SpanStart);
            return new SourceLocation(path, position.Line + 1, position.Character + 1) { Offset = token.SpanStart, Length = token.Span.Length };
        }

        public void Member(MemberDeclarationSyntax member, string ns, TypeFacts? container, SyntaxKind? containerKind)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax n:
                    var inner = ns.Length == 0 ? NameText(n.Name) : ns + "." + NameText(n.Name);
                    foreach (var child in n.Members)
                    {
                        Member(child, inner, null, null);
                    }

                    break;

                case BaseTypeDeclarationSyntax type:
                    Type(type, ns, container, containerKind);
                    break;

                case DelegateDeclarationSyntax d:
                    var delegateKey = Qualify(ns, container, TypeSegment(d.Identifier, d.TypeParameterList));
                    facts.Add(new DeclarationFact
                    {
                        Key = delegateKey,
                        Kind = DeclarationKind.Delegate,
                        ContainerKey = container?.Key,
                        Namespace = ns,
                        DeclaredAccess = AccessOf(d.Modifiers),
                        DefaultAccess = DefaultTypeAccess(container, containerKind),
                        Signature = TokenText(d, static n => n is not AttributeListSyntax),
                        Full = TokenText(d, static _ => true),
                        Attributes = AttributeNames(d.AttributeLists),
                        Location = At(d.Identifier),
                    });
                    break;

                case GlobalStatementSyntax or IncompleteMemberSyntax:
                    break;

                default:
                    if (container is not null)
                    {
                        TypeMember(member, ns, container, containerKind!.Value);
                    }

                    break;
            }
        }

        private static string Qualify(string ns, TypeFacts? container, string segment) =>
            container is not null ? container.Key + "." + segment : ns.Length == 0 ? segment : ns + "." + segment;

        private static Access DefaultTypeAccess(TypeFacts? container, SyntaxKind? containerKind) =>
            container is null ? Access.Internal : containerKind == SyntaxKind.InterfaceDeclaration ? Access.Public : Access.Private;

        private void Type(BaseTypeDeclarationSyntax type, string ns, TypeFacts? container, SyntaxKind? containerKind)
        {
            var typeParameters = (type as TypeDeclarationSyntax)?.TypeParameterList;
            var key = Qualify(ns, container, TypeSegment(type.Identifier, typeParameters));
            var kind = type.Kind();
            var modifiers = type.Modifiers;
            var isRecord = kind is SyntaxKind.RecordDeclaration or SyntaxKind.RecordStructDeclaration;
            var isClassLike = kind is SyntaxKind.ClassDeclaration or SyntaxKind.RecordDeclaration;
            var extensible = kind == SyntaxKind.InterfaceDeclaration
                || (isClassLike && !modifiers.Any(SyntaxKind.SealedKeyword) && !modifiers.Any(SyntaxKind.StaticKeyword));

            // The header: members, attributes and the primary constructor's parameters are facts of their own.
            var parameterList = (type as TypeDeclarationSyntax)?.ParameterList;
            bool Header(SyntaxNode n) => n == type || (n is not MemberDeclarationSyntax && n is not AttributeListSyntax && n != parameterList && n is not BaseListSyntax);
            var bases = type.BaseList?.Types.Select(t => TypeText(t.Type)).ToArray() ?? [];
            var signature = TokenText(type, Header);
            facts.Add(new DeclarationFact
            {
                Key = key,
                Kind = DeclarationKind.Type,
                ContainerKey = container?.Key,
                Namespace = ns,
                DeclaredAccess = AccessOf(modifiers),
                DefaultAccess = DefaultTypeAccess(container, containerKind),
                IsExtensible = extensible,
                IsPartial = modifiers.Any(SyntaxKind.PartialKeyword),
                Signature = signature,
                Full = signature + " : " + string.Join(", ", bases) + " " + string.Join(" ", type.AttributeLists.Select(a => TokenText(a, static _ => true))),
                Bases = bases,
                Attributes = AttributeNames(type.AttributeLists),
                Location = At(type.Identifier),
            });

            var self = new TypeFacts(key);
            if (type is TypeDeclarationSyntax { ParameterList: { } primary })
            {
                facts.Add(new DeclarationFact
                {
                    Key = key + ".#ctor" + Parameters(primary),
                    Kind = DeclarationKind.Constructor,
                    ContainerKey = key,
                    Namespace = ns,
                    DeclaredAccess = Access.Public,
                    Signature = "#ctor " + TokenText(primary, static n => n is not AttributeListSyntax),
                    Full = TokenText(primary, static _ => true),
                    Location = At(primary.OpenParenToken),
                });

                // A record's positional parameters are public properties too.
                if (isRecord)
                {
                    foreach (var parameter in primary.Parameters)
                    {
                        facts.Add(new DeclarationFact
                        {
                            Key = key + "." + parameter.Identifier.ValueText,
                            Kind = DeclarationKind.Property,
                            ContainerKey = key,
                            Namespace = ns,
                            DeclaredAccess = Access.Public,
                            Signature = "public " + (parameter.Type is null ? "" : TypeText(parameter.Type)) + " " + parameter.Identifier.ValueText + " { get ; init ; }",
                            Full = TokenText(parameter, static _ => true),
                            Attributes = AttributeNames(parameter.AttributeLists),
                            Location = At(parameter.Identifier),
                        });
                    }
                }
            }

            if (type is EnumDeclarationSyntax @enum)
            {
                foreach (var enumMember in @enum.Members)
                {
                    facts.Add(new DeclarationFact
                    {
                        Key = key + "." + enumMember.Identifier.ValueText,
                        Kind = DeclarationKind.EnumMember,
                        ContainerKey = key,
                        Namespace = ns,
                        DefaultAccess = Access.Public,
                        Signature = TokenText(enumMember, static n => n is not AttributeListSyntax),
                        Full = TokenText(enumMember, static _ => true),
                        Attributes = AttributeNames(enumMember.AttributeLists),
                        Location = At(enumMember.Identifier),
                    });
                }
            }
            else if (type is TypeDeclarationSyntax typeDeclaration)
            {
                foreach (var member in typeDeclaration.Members)
                {
                    Member(member, ns, self, kind);
                }
            }
        }

        private void TypeMember(MemberDeclarationSyntax member, string ns, TypeFacts container, SyntaxKind containerKind)
        {
            var inInterface = containerKind == SyntaxKind.InterfaceDeclaration;
            var defaultAccess = inInterface ? Access.Public : Access.Private;
            var modifiers = member.Modifiers;
            var isStatic = modifiers.Any(SyntaxKind.StaticKeyword);
            var isAbstract = modifiers.Any(SyntaxKind.AbstractKeyword);

            if (member is BaseFieldDeclarationSyntax field)
            {
                var isConst = modifiers.Any(SyntaxKind.ConstKeyword);
                var prefix = string.Join(" ", modifiers.Where(m => !m.IsKind(SyntaxKind.UnsafeKeyword) && !m.IsKind(SyntaxKind.NewKeyword)).Select(m => m.Text))
                    + (field is EventFieldDeclarationSyntax ? " event " : " ") + TypeText(field.Declaration.Type) + " ";
                foreach (var variable in field.Declaration.Variables)
                {
                    // A constant's value is compiled into callers: it is part of the contract.
                    var initializer = variable.Initializer is null ? "" : " " + TokenText(variable.Initializer, static _ => true);
                    facts.Add(new DeclarationFact
                    {
                        Key = container.Key + "." + variable.Identifier.ValueText,
                        Kind = field is EventFieldDeclarationSyntax ? DeclarationKind.Event : DeclarationKind.Field,
                        ContainerKey = container.Key,
                        Namespace = ns,
                        DeclaredAccess = AccessOf(modifiers),
                        DefaultAccess = defaultAccess,
                        IsRequirement = isAbstract || (inInterface && field is EventFieldDeclarationSyntax && !isStatic),
                        Signature = prefix + variable.Identifier.ValueText + (isConst ? initializer : ""),
                        Full = prefix + variable.Identifier.ValueText + initializer + " " + string.Join(" ", field.AttributeLists.Select(a => TokenText(a, static _ => true))),
                        Attributes = AttributeNames(field.AttributeLists),
                        Location = At(variable.Identifier),
                    });
                }

                return;
            }

            var (kind, anchor, hasBody, explicitSpecifier) = member switch
            {
                MethodDeclarationSyntax m => (DeclarationKind.Method, m.Identifier, m.Body is not null || m.ExpressionBody is not null, m.ExplicitInterfaceSpecifier),
                ConstructorDeclarationSyntax c => (DeclarationKind.Constructor, c.Identifier, true, null),
                DestructorDeclarationSyntax d => (DeclarationKind.Method, d.Identifier, true, null),
                OperatorDeclarationSyntax o => (DeclarationKind.Operator, o.OperatorToken, o.Body is not null || o.ExpressionBody is not null, o.ExplicitInterfaceSpecifier),
                ConversionOperatorDeclarationSyntax c => (DeclarationKind.Operator, c.OperatorKeyword, c.Body is not null || c.ExpressionBody is not null, c.ExplicitInterfaceSpecifier),
                PropertyDeclarationSyntax p => (DeclarationKind.Property, p.Identifier, HasAccessorBodies(p), p.ExplicitInterfaceSpecifier),
                IndexerDeclarationSyntax i => (DeclarationKind.Indexer, i.ThisKeyword, HasAccessorBodies(i), i.ExplicitInterfaceSpecifier),
                EventDeclarationSyntax e => (DeclarationKind.Event, e.Identifier, true, e.ExplicitInterfaceSpecifier),
                _ => ((DeclarationKind?)null, default(SyntaxToken), false, (ExplicitInterfaceSpecifierSyntax?)null),
            };
            if (kind is null)
            {
                return;
            }

            facts.Add(new DeclarationFact
            {
                Key = container.Key + "." + MemberName(member, null),
                Kind = kind.Value,
                ContainerKey = container.Key,
                Namespace = ns,
                DeclaredAccess = AccessOf(modifiers),
                DefaultAccess = explicitSpecifier is not null ? Access.Private : defaultAccess,
                IsExplicitImplementation = explicitSpecifier is not null,
                IsRequirement = explicitSpecifier is null && (isAbstract || (inInterface && !isStatic && !hasBody && kind != DeclarationKind.Operator)),
                Signature = Signature(member),
                Full = TokenText(member, static _ => true),
                Attributes = AttributeNames(member.AttributeLists),
                Location = At(anchor),
            });
        }

        private static bool HasAccessorBodies(BasePropertyDeclarationSyntax property) =>
            property is PropertyDeclarationSyntax { ExpressionBody: not null } or IndexerDeclarationSyntax { ExpressionBody: not null }
            || property.AccessorList?.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null) == true;

        // Bodies, initializers and attributes are not part of what callers see; neither are these modifiers.
        private static string Signature(MemberDeclarationSyntax member)
        {
            var builder = new StringBuilder();
            foreach (var token in member.DescendantTokens(n => n == member || !IsBodyLike(n, member)))
            {
                if (token.Parent is { } parent && parent != member && IsBodyLike(parent, member))
                {
                    continue;
                }

                if (token.Parent == member && token.Kind() is SyntaxKind.AsyncKeyword or SyntaxKind.PartialKeyword
                        or SyntaxKind.UnsafeKeyword or SyntaxKind.ExternKeyword or SyntaxKind.SemicolonToken)
                {
                    continue;
                }

                builder.Append(token.Text).Append(' ');
            }

            // "int X => 1" and "int X { get { ... } }" promise the same thing.
            if (member is PropertyDeclarationSyntax { ExpressionBody: not null } or IndexerDeclarationSyntax { ExpressionBody: not null })
            {
                builder.Append("{ get ; }");
            }

            return builder.ToString().TrimEnd();
        }

        private static bool IsBodyLike(SyntaxNode node, MemberDeclarationSyntax member) =>
            node is AttributeListSyntax
            || (node is BlockSyntax or ArrowExpressionClauseSyntax && (node.Parent == member || node.Parent is AccessorDeclarationSyntax))
            || (node is EqualsValueClauseSyntax && node.Parent == member)
            || (node is ConstructorInitializerSyntax && node.Parent == member);

        private static IReadOnlyList<string> AttributeNames(SyntaxList<AttributeListSyntax> lists)
        {
            if (lists.Count == 0)
            {
                return [];
            }

            var names = new List<string>();
            foreach (var list in lists)
            {
                foreach (var attribute in list.Attributes)
                {
                    var name = attribute.Name switch
                    {
                        QualifiedNameSyntax q => q.Right.Identifier.ValueText,
                        AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
                        SimpleNameSyntax s => s.Identifier.ValueText,
                        _ => attribute.Name.ToString(),
                    };
                    names.Add(name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > 9 ? name[..^9] : name);
                }
            }

            return names;
        }

        private static Access? AccessOf(SyntaxTokenList modifiers)
        {
            bool isPublic = false, isPrivate = false, isProtected = false, isInternal = false;
            foreach (var modifier in modifiers)
            {
                switch (modifier.Kind())
                {
                    case SyntaxKind.PublicKeyword: isPublic = true; break;
                    case SyntaxKind.PrivateKeyword: isPrivate = true; break;
                    case SyntaxKind.ProtectedKeyword: isProtected = true; break;
                    case SyntaxKind.InternalKeyword: isInternal = true; break;
                    case SyntaxKind.FileKeyword: isPrivate = true; break;
                }
            }

            return (isPublic, isPrivate, isProtected, isInternal) switch
            {
                (true, _, _, _) => Access.Public,
                (_, true, true, _) => Access.PrivateProtected,
                (_, true, _, _) => Access.Private,
                (_, _, true, true) => Access.ProtectedInternal,
                (_, _, true, _) => Access.Protected,
                (_, _, _, true) => Access.Internal,
                _ => null,
            };
        }
    }

    private sealed record TypeFacts(string Key);
}
