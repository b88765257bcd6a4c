using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using Autopilot.Policy.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Autopilot.Changes.CSharp;

/// <summary>What the collector knows about the file beyond its text: the owning project and its settings.</summary>
/// <remarks>Value equality over the scalar members; <see cref="GlobalUsings"/> compares by reference.</remarks>
/// <param name="Project">The owning project's name (its file name without extension), "" when unknown.</param>
/// <param name="NullableAnnotations">Whether the project enables nullable annotations (<c>&lt;Nullable&gt;enable</c> or <c>annotations</c>).</param>
/// <param name="GlobalUsings">Namespaces imported for every file of the project (global usings of other files).</param>
internal sealed record SourceContext(string Project, bool NullableAnnotations, IReadOnlyCollection<string> GlobalUsings)
{
    public static SourceContext Unknown { get; } = new("", false, []);
}

/// <summary>
/// Reads the declarations of one syntax tree into <see cref="DeclarationFact"/>s with stable keys.
/// Syntax only, modelled on what the compiler sees: predefined-type aliases are unified (<c>System.Int32</c> and
/// <c>int</c>); a namespace qualifier that the file imports or is inside is dropped (<c>MyLib.GeoEntry</c> and
/// <c>GeoEntry</c> inside <c>namespace MyLib</c> are one type); accessors count only when visible outside the
/// assembly; a class without constructors has its implicit one; attributes that are part of the contract
/// (<see cref="ContractAttributes"/>) and the nullable annotation context are facts of the declaration.
/// </summary>
internal static partial class DeclarationCollector
{
    public const string TopLevelKey = "<top-level statements>";

    /// <summary>Key prefix of an <c>[assembly: TypeForwardedTo(typeof(T))]</c>: the type is still found through this assembly.</summary>
    public const string ForwardPrefix = "[forwarded] ";

    /// <summary>Attributes that change what callers may do or are told (the ones PublicAPI baselines and compilers read).</summary>
    public static readonly FrozenSet<string> ContractAttributes = FrozenSet.ToFrozenSet(
    [
        "Obsolete", "Experimental", "EditorBrowsable", "RequiresUnreferencedCode", "RequiresDynamicCode", "RequiresAssemblyFiles",
        "RequiresPreviewFeatures", "CLSCompliant", "Flags", "DynamicallyAccessedMembers", "SetsRequiredMembers", "OverloadResolutionPriority",
        "AllowNull", "DisallowNull", "MaybeNull", "NotNull", "MaybeNullWhen", "NotNullWhen", "NotNullIfNotNull", "DoesNotReturn", "DoesNotReturnIf",
        "MemberNotNull", "MemberNotNullWhen", "UnscopedRef",
    ], StringComparer.Ordinal);

    /// <summary>
    /// The contract attributes PublicApiAnalyzers baselines record (<c>[Experimental("ID")]</c> as the <c>[ID]</c> prefix of an
    /// entry): with the signature, accessibility and nullable annotations, the surface as the PublicAPI files see it. The
    /// others (<c>Obsolete</c>, <c>EditorBrowsable</c>, <c>Requires*</c>, nullable attributes, ...) no baseline can record.
    /// </summary>
    public static readonly FrozenSet<string> RecordedAttributes = FrozenSet.ToFrozenSet(["Experimental"], StringComparer.Ordinal);

    /// <summary>Contract attributes whose addition turns working callers into failing builds.</summary>
    public static readonly FrozenSet<string> BreakingWhenAdded = FrozenSet.ToFrozenSet(
        ["Experimental", "RequiresUnreferencedCode", "RequiresDynamicCode", "RequiresAssemblyFiles", "RequiresPreviewFeatures"], StringComparer.Ordinal);

    public static List<DeclarationFact> Collect(SyntaxTree tree, string path, CancellationToken cancellationToken) =>
        Collect(tree, path, SourceContext.Unknown, cancellationToken);

    public static List<DeclarationFact> Collect(SyntaxTree tree, string path, SourceContext source, CancellationToken cancellationToken)
    {
        var facts = new List<DeclarationFact>();
        var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        var context = new Context(tree, root, path, source, facts, cancellationToken);
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

        context.TypeForwards(root);
        if (globals.Count > 0)
        {
            facts.Add(new DeclarationFact
            {
                Key = TopLevelKey,
                Project = source.Project,
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
                        _ => ownerKey + "." + MemberName(member, TypeText),
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
    private static string MemberName(MemberDeclarationSyntax member, Func<SyntaxNode, string> typeText) => member switch
    {
        MethodDeclarationSyntax m => ExplicitPrefix(m.ExplicitInterfaceSpecifier, typeText) + TypeSegment(m.Identifier, m.TypeParameterList) + Parameters(m.ParameterList, typeText),
        ConstructorDeclarationSyntax c => (c.Modifiers.Any(SyntaxKind.StaticKeyword) ? "#cctor" : "#ctor") + Parameters(c.ParameterList, typeText),
        DestructorDeclarationSyntax => "Finalize()",
        OperatorDeclarationSyntax o => ExplicitPrefix(o.ExplicitInterfaceSpecifier, typeText) + "operator " + o.OperatorToken.Text + Parameters(o.ParameterList, typeText),
        ConversionOperatorDeclarationSyntax c => ExplicitPrefix(c.ExplicitInterfaceSpecifier, typeText) + c.ImplicitOrExplicitKeyword.Text + " operator " + typeText(c.Type) + Parameters(c.ParameterList, typeText),
        PropertyDeclarationSyntax p => ExplicitPrefix(p.ExplicitInterfaceSpecifier, typeText) + p.Identifier.ValueText,
        IndexerDeclarationSyntax i => ExplicitPrefix(i.ExplicitInterfaceSpecifier, typeText) + "this[" + string.Join(", ", i.ParameterList.Parameters.Select(p => ParameterType(p, typeText))) + "]",
        EventDeclarationSyntax e => ExplicitPrefix(e.ExplicitInterfaceSpecifier, typeText) + e.Identifier.ValueText,
        _ => member.Kind().ToString(),
    };

    private static string ExplicitPrefix(ExplicitInterfaceSpecifierSyntax? specifier, Func<SyntaxNode, string> typeText) =>
        specifier is null ? "" : typeText(specifier.Name) + ".";

    private static string Parameters(BaseParameterListSyntax? list, Func<SyntaxNode, string> typeText) =>
        list is null ? "()" : "(" + string.Join(", ", list.Parameters.Select(p => ParameterType(p, typeText))) + ")";

    private static string ParameterType(BaseParameterSyntax parameter, Func<SyntaxNode, string> typeText)
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

        builder.Append(parameter.Type is null ? "__arglist" : typeText(parameter.Type));
        return builder.ToString();
    }

    /// <summary>A type as written, trivia dropped, <c>", "</c> between arguments, predefined aliases unified.</summary>
    internal static string TypeText(SyntaxNode type) => UnifyAliases(TokenText(type, static _ => true, separator: ""));

    private static string UnifyAliases(string text) =>
        PredefinedAlias().Replace(text.Replace(",", ", ", StringComparison.Ordinal), m => s_aliases[m.Groups[1].Value]);

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

    /// <summary>The last segment of an attribute's name, without the <c>Attribute</c> suffix.</summary>
    internal static string AttributeName(AttributeSyntax attribute)
    {
        var name = attribute.Name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax a => a.Name.Identifier.ValueText,
            SimpleNameSyntax s => s.Identifier.ValueText,
            _ => attribute.Name.ToString(),
        };
        return name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > 9 ? name[..^9] : name;
    }

    private sealed class Context
    {
        private readonly SourceText _text;
        private readonly string _path;
        private readonly SourceContext _source;
        private readonly List<DeclarationFact> _facts;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<string> _imported;
        private readonly List<(int Position, bool Annotations)> _nullable = [];

        public Context(SyntaxTree tree, CompilationUnitSyntax root, string path, SourceContext source, List<DeclarationFact> facts, CancellationToken cancellationToken)
        {
            _text = tree.GetText(cancellationToken);
            _path = path;
            _source = source;
            _facts = facts;
            _cancellationToken = cancellationToken;

            // Namespaces whose types the file may name without qualification: where it is, what it imports.
            _imported = new HashSet<string>(BannedApiScanner.ImplicitUsings, StringComparer.Ordinal);
            _imported.UnionWith(source.GlobalUsings);
            foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax))
            {
                switch (node)
                {
                    case UsingDirectiveSyntax { Alias: null, StaticKeyword.RawKind: 0, Name: { } name }:
                        _imported.Add(Unglobal(NameText(name)));
                        break;
                    case BaseNamespaceDeclarationSyntax ns:
                        var prefix = (ns.Parent as BaseNamespaceDeclarationSyntax) is { } outer ? NameText(outer.Name) + "." : "";
                        var full = prefix + NameText(ns.Name);
                        for (var cut = full; cut.Length > 0; cut = cut.Contains('.') ? cut[..cut.LastIndexOf('.')] : "")
                        {
                            _imported.Add(cut);
                        }

                        break;
                }
            }

            for (var directive = root.GetFirstDirective(static d => d is NullableDirectiveTriviaSyntax); directive is not null;
                directive = directive.GetNextDirective(static d => d is NullableDirectiveTriviaSyntax))
            {
                var nullable = (NullableDirectiveTriviaSyntax)directive;
                if (!nullable.IsActive || nullable.TargetToken.IsKind(SyntaxKind.WarningsKeyword))
                {
                    continue;
                }

                var on = nullable.SettingToken.Kind() switch
                {
                    SyntaxKind.EnableKeyword => true,
                    SyntaxKind.DisableKeyword => false,
                    _ => source.NullableAnnotations,
                };
                _nullable.Add((nullable.SpanStart, on));
            }
        }

        public SourceLocation At(SyntaxToken token)
        {
            var position = _text.Lines.GetLinePosition(token.SpanStart);
            return new SourceLocation(_path, position.Line + 1, position.Character + 1) { Offset = token.SpanStart, Length = token.Span.Length };
        }

        private static string Unglobal(string name) => name.StartsWith("global::", StringComparison.Ordinal) ? name[8..] : name;

        private bool AnnotationsAt(int position)
        {
            var on = _source.NullableAnnotations;
            foreach (var (at, state) in _nullable)
            {
                if (at > position)
                {
                    break;
                }

                on = state;
            }

            return on;
        }

        /// <summary>
        /// Tokens of <paramref name="node"/> as the compiler resolves them: a qualifier naming an imported or enclosing
        /// namespace (and <c>global::</c>) is dropped, and <c>System.Int32</c> is <c>int</c>.
        /// </summary>
        private string Text(SyntaxNode node, Func<SyntaxNode, bool> descend, string separator = " ", Func<SyntaxToken, bool>? skip = null)
        {
            var dropped = DroppedQualifiers(node, descend);
            var builder = new StringBuilder();
            foreach (var token in node.DescendantTokens(descend))
            {
                if ((dropped is not null && dropped.Contains(token.SpanStart)) || skip?.Invoke(token) == true)
                {
                    continue;
                }

                if (builder.Length > 0)
                {
                    builder.Append(separator);
                }

                var text = token.Text;
                if (token.Parent is IdentifierNameSyntax identifier && s_aliases.TryGetValue(text, out var alias) && IsUnqualifiedType(identifier, dropped))
                {
                    text = alias;
                }

                builder.Append(text);
            }

            return builder.ToString();
        }

        private string TypeText(SyntaxNode type) => Text(type, static _ => true, separator: "").Replace(",", ", ", StringComparison.Ordinal);

        private static bool IsUnqualifiedType(IdentifierNameSyntax name, HashSet<int>? dropped) =>
            name.Parent switch
            {
                QualifiedNameSyntax q when q.Right == name => dropped?.Contains(q.Left.SpanStart) == true,
                QualifiedNameSyntax => false,
                MemberAccessExpressionSyntax or AliasQualifiedNameSyntax => false,
                _ => true,
            };

        /// <summary>Start positions of the tokens to drop: the longest imported namespace qualifier of each qualified name, and <c>global::</c>.</summary>
        private HashSet<int>? DroppedQualifiers(SyntaxNode node, Func<SyntaxNode, bool> descend)
        {
            HashSet<int>? dropped = null;
            foreach (var name in node.DescendantNodesAndSelf(descend))
            {
                if (name is AliasQualifiedNameSyntax { Alias.Identifier.ValueText: "global" } alias)
                {
                    dropped ??= [];
                    dropped.Add(alias.Alias.SpanStart);
                    dropped.Add(alias.ColonColonToken.SpanStart);
                }

                if (name is not QualifiedNameSyntax outermost || name.Parent is QualifiedNameSyntax)
                {
                    continue;
                }

                for (NameSyntax left = outermost.Left, owner = outermost; ; owner = left, left = ((QualifiedNameSyntax)left).Left)
                {
                    if (_imported.Contains(Unglobal(NameText(left))))
                    {
                        dropped ??= [];
                        foreach (var token in left.DescendantTokens())
                        {
                            dropped.Add(token.SpanStart);
                        }

                        dropped.Add(((QualifiedNameSyntax)owner).DotToken.SpanStart);
                        break;
                    }

                    if (left is not QualifiedNameSyntax)
                    {
                        break;
                    }
                }
            }

            return dropped;
        }

        public void TypeForwards(CompilationUnitSyntax root)
        {
            foreach (var list in root.AttributeLists)
            {
                foreach (var attribute in list.Attributes)
                {
                    if (AttributeName(attribute) == "TypeForwardedTo"
                        && attribute.ArgumentList?.Arguments.FirstOrDefault()?.Expression is TypeOfExpressionSyntax { Type: var type })
                    {
                        _facts.Add(new DeclarationFact
                        {
                            Key = ForwardPrefix + TypeText(type),
                            Project = _source.Project,
                            Kind = DeclarationKind.Type,
                            DeclaredAccess = Access.Public,
                            Signature = "forward " + TypeText(type),
                            Full = Text(attribute, static _ => true),
                            Location = At(attribute.Name.GetFirstToken()),
                        });
                    }
                }
            }
        }

        public void Member(MemberDeclarationSyntax member, string ns, TypeFacts? container, SyntaxKind? containerKind)
        {
            _cancellationToken.ThrowIfCancellationRequested();
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
                    _facts.Add(new DeclarationFact
                    {
                        Key = delegateKey,
                        Project = _source.Project,
                        Kind = DeclarationKind.Delegate,
                        ContainerKey = container?.Key,
                        Namespace = ns,
                        DeclaredAccess = AccessOf(d.Modifiers),
                        DefaultAccess = DefaultTypeAccess(container, containerKind),
                        Signature = SortedModifiers(d.Modifiers) + Text(d, static n => n is not AttributeListSyntax, skip: IsOwnModifier(d)),
                        ContractEntries = Contract(d),
                        NullableAnnotations = AnnotationsAt(d.SpanStart),
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
            var isStatic = modifiers.Any(SyntaxKind.StaticKeyword);
            var extensible = kind == SyntaxKind.InterfaceDeclaration
                || (isClassLike && !modifiers.Any(SyntaxKind.SealedKeyword) && !isStatic);

            // The header: members, attributes and the primary constructor's parameters are facts of their own;
            // braces, the separators of enum members and modifier order are not what callers see.
            var parameterList = (type as TypeDeclarationSyntax)?.ParameterList;
            bool Header(SyntaxNode n) => n == type || (n is not MemberDeclarationSyntax && n is not AttributeListSyntax && n != parameterList && n is not BaseListSyntax);
            var bases = type.BaseList?.Types.Select(t => TypeText(t.Type)).ToArray() ?? [];
            var noise = IsOwnModifier(type);
            bool Punctuation(SyntaxToken t) => t.Parent == type && t.Kind() is SyntaxKind.CommaToken or SyntaxKind.OpenBraceToken or SyntaxKind.CloseBraceToken or SyntaxKind.SemicolonToken;
            var signature = SortedModifiers(modifiers) + Text(type, Header, skip: t => noise(t) || Punctuation(t));
            _facts.Add(new DeclarationFact
            {
                Key = key,
                Project = _source.Project,
                Kind = DeclarationKind.Type,
                ContainerKey = container?.Key,
                Namespace = ns,
                DeclaredAccess = AccessOf(modifiers),
                DefaultAccess = DefaultTypeAccess(container, containerKind),
                IsExtensible = extensible,
                IsPartial = modifiers.Any(SyntaxKind.PartialKeyword),
                Signature = signature,
                ContractEntries = Contract(type),
                Full = signature + " : " + string.Join(", ", bases) + " " + string.Join(" ", type.AttributeLists.Select(a => TokenText(a, static _ => true))),
                Bases = bases,
                Attributes = AttributeNames(type.AttributeLists),
                Location = At(type.Identifier),
            });

            var self = new TypeFacts(key);
            if (type is TypeDeclarationSyntax { ParameterList: { } primary })
            {
                _facts.Add(new DeclarationFact
                {
                    Key = key + ".#ctor" + Parameters(primary, TypeText),
                    Project = _source.Project,
                    Kind = DeclarationKind.Constructor,
                    ContainerKey = key,
                    Namespace = ns,
                    DeclaredAccess = Access.Public,
                    Signature = "#ctor " + Text(primary, static n => n is not AttributeListSyntax),
                    ContractEntries = Contract(primary),
                    NullableAnnotations = AnnotationsAt(primary.SpanStart),
                    Full = TokenText(primary, static _ => true),
                    Location = At(primary.OpenParenToken),
                });

                // A record's positional parameters are public properties too.
                if (isRecord)
                {
                    foreach (var parameter in primary.Parameters)
                    {
                        _facts.Add(new DeclarationFact
                        {
                            Key = key + "." + parameter.Identifier.ValueText,
                            Project = _source.Project,
                            Kind = DeclarationKind.Property,
                            ContainerKey = key,
                            Namespace = ns,
                            DeclaredAccess = Access.Public,
                            Signature = "public " + (parameter.Type is null ? "" : TypeText(parameter.Type)) + " " + parameter.Identifier.ValueText + " { get ; init ; }",
                            NullableAnnotations = AnnotationsAt(parameter.SpanStart),
                            Full = TokenText(parameter, static _ => true),
                            Attributes = AttributeNames(parameter.AttributeLists),
                            Location = At(parameter.Identifier),
                        });
                    }
                }
            }

            if (type is EnumDeclarationSyntax @enum)
            {
                EnumMembers(@enum, key, ns);
            }
            else if (type is TypeDeclarationSyntax typeDeclaration)
            {
                foreach (var member in typeDeclaration.Members)
                {
                    Member(member, ns, self, kind);
                }

                // A class that declares no constructor has one: public, or protected when the class is abstract.
                if (isClassLike && !isStatic && typeDeclaration.ParameterList is null
                    && !typeDeclaration.Members.OfType<ConstructorDeclarationSyntax>().Any(c => !c.Modifiers.Any(SyntaxKind.StaticKeyword)))
                {
                    var access = modifiers.Any(SyntaxKind.AbstractKeyword) ? Access.Protected : Access.Public;
                    _facts.Add(new DeclarationFact
                    {
                        Key = key + ".#ctor()",
                        Project = _source.Project,
                        Kind = DeclarationKind.Constructor,
                        ContainerKey = key,
                        Namespace = ns,
                        DeclaredAccess = access,
                        IsImplicit = true,
                        Signature = ConstructorSignature(access, type.Identifier.ValueText),
                        Full = "implicit " + ConstructorSignature(access, type.Identifier.ValueText),
                        Location = At(type.Identifier),
                    });
                }
            }
        }

        private static string ConstructorSignature(Access access, string name) => $"{AccessWords(access)} {name} ( )";

        private static string AccessWords(Access access) => access switch
        {
            Access.Public => "public",
            Access.Protected => "protected",
            Access.ProtectedInternal => "protected internal",
            Access.Internal => "internal",
            Access.PrivateProtected => "private protected",
            _ => "private",
        };

        private void EnumMembers(EnumDeclarationSyntax @enum, string key, string ns)
        {
            // A member's value is compiled into callers: an implicit one is the previous value plus one.
            string? lastExplicit = null;
            var offset = 0;
            foreach (var enumMember in @enum.Members)
            {
                string value;
                if (enumMember.EqualsValue is { } equals)
                {
                    lastExplicit = Text(equals.Value, static _ => true);
                    offset = 0;
                    value = lastExplicit;
                }
                else
                {
                    value = lastExplicit is null ? offset.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"({lastExplicit}) + {offset}";
                }

                offset++;
                _facts.Add(new DeclarationFact
                {
                    Key = key + "." + enumMember.Identifier.ValueText,
                    Project = _source.Project,
                    Kind = DeclarationKind.EnumMember,
                    ContainerKey = key,
                    Namespace = ns,
                    DefaultAccess = Access.Public,
                    Signature = enumMember.Identifier.ValueText + " = " + value,
                    ContractEntries = Contract(enumMember),
                    Full = TokenText(enumMember, static _ => true),
                    Attributes = AttributeNames(enumMember.AttributeLists),
                    Location = At(enumMember.Identifier),
                });
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
                var prefix = SortedModifiers(modifiers) + (field is EventFieldDeclarationSyntax ? "event " : "") + TypeText(field.Declaration.Type) + " ";
                foreach (var variable in field.Declaration.Variables)
                {
                    // A constant's value is compiled into callers: it is part of the contract.
                    var initializer = variable.Initializer is null ? "" : " " + TokenText(variable.Initializer, static _ => true);
                    _facts.Add(new DeclarationFact
                    {
                        Key = container.Key + "." + variable.Identifier.ValueText,
                        Project = _source.Project,
                        Kind = field is EventFieldDeclarationSyntax ? DeclarationKind.Event : DeclarationKind.Field,
                        ContainerKey = container.Key,
                        Namespace = ns,
                        DeclaredAccess = AccessOf(modifiers),
                        DefaultAccess = defaultAccess,
                        IsRequirement = isAbstract || (inInterface && field is EventFieldDeclarationSyntax && !isStatic),
                        Signature = prefix + variable.Identifier.ValueText + (isConst && variable.Initializer is { } value ? " = " + Text(value.Value, static _ => true) : ""),
                        ContractEntries = Contract(field),
                        NullableAnnotations = AnnotationsAt(field.SpanStart),
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

            var declared = AccessOf(modifiers);
            var memberDefault = explicitSpecifier is not null ? Access.Private : defaultAccess;
            _facts.Add(new DeclarationFact
            {
                Key = container.Key + "." + MemberName(member, TypeText),
                Project = _source.Project,
                Kind = kind.Value,
                ContainerKey = container.Key,
                Namespace = ns,
                DeclaredAccess = declared,
                DefaultAccess = memberDefault,
                IsExplicitImplementation = explicitSpecifier is not null,
                IsRequirement = explicitSpecifier is null && (isAbstract || (inInterface && !isStatic && !hasBody && kind != DeclarationKind.Operator)),
                Signature = member is BasePropertyDeclarationSyntax property ? PropertySignature(property, declared ?? memberDefault) : Signature(member),
                ContractEntries = Contract(member),
                NullableAnnotations = AnnotationsAt(member.SpanStart),
                Full = TokenText(member, static _ => true),
                Attributes = AttributeNames(member.AttributeLists),
                Location = At(anchor),
            });
        }

        private static bool HasAccessorBodies(BasePropertyDeclarationSyntax property) =>
            property is PropertyDeclarationSyntax { ExpressionBody: not null } or IndexerDeclarationSyntax { ExpressionBody: not null }
            || property.AccessorList?.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null) == true;

        /// <summary>The modifiers of <paramref name="owner"/> (written separately, sorted: their order means nothing).</summary>
        private static Func<SyntaxToken, bool> IsOwnModifier(SyntaxNode owner) =>
            t => t.Parent == owner && SyntaxFacts.IsKeywordKind(t.Kind()) && IsModifier(t) && owner is MemberDeclarationSyntax member && member.Modifiers.Contains(t);

        private static bool IsModifier(SyntaxToken token) => SyntaxFacts.IsAccessibilityModifier(token.Kind()) || token.Kind() is SyntaxKind.StaticKeyword
            or SyntaxKind.AbstractKeyword or SyntaxKind.VirtualKeyword or SyntaxKind.OverrideKeyword or SyntaxKind.SealedKeyword or SyntaxKind.ReadOnlyKeyword
            or SyntaxKind.ConstKeyword or SyntaxKind.RequiredKeyword or SyntaxKind.RefKeyword or SyntaxKind.PartialKeyword or SyntaxKind.AsyncKeyword
            or SyntaxKind.UnsafeKeyword or SyntaxKind.ExternKeyword or SyntaxKind.NewKeyword or SyntaxKind.VolatileKeyword or SyntaxKind.FileKeyword;

        private static string SortedModifiers(SyntaxTokenList modifiers)
        {
            var kept = modifiers.Where(m => m.Kind() is not (SyntaxKind.AsyncKeyword or SyntaxKind.PartialKeyword or SyntaxKind.UnsafeKeyword
                or SyntaxKind.ExternKeyword or SyntaxKind.NewKeyword or SyntaxKind.VolatileKeyword)).Select(m => m.Text).Order(StringComparer.Ordinal).ToList();
            return kept.Count == 0 ? "" : string.Join(" ", kept) + " ";
        }

        // Bodies, initializers and attributes are not part of what callers see; neither are some modifiers, nor their order.
        private string Signature(MemberDeclarationSyntax member)
        {
            var noise = IsOwnModifier(member);
            return SortedModifiers(member.Modifiers) + Text(
                member,
                n => n == member || !IsBodyLike(n, member),
                skip: t => noise(t) || (t.Parent == member && t.IsKind(SyntaxKind.SemicolonToken))).TrimEnd();
        }

        /// <summary>
        /// A property, indexer or event as callers see it: its header, and the accessors visible outside the assembly
        /// (an <c>internal set</c> is not), however their bodies are written (<c>=&gt; x</c> is <c>get</c>).
        /// </summary>
        private string PropertySignature(BasePropertyDeclarationSyntax property, Access access)
        {
            var noise = IsOwnModifier(property);
            var header = SortedModifiers(property.Modifiers) + Text(
                property,
                n => n == property || (n is not AccessorListSyntax && n is not AttributeListSyntax && n is not ArrowExpressionClauseSyntax && n is not EqualsValueClauseSyntax),
                skip: t => noise(t) || (t.Parent == property && t.IsKind(SyntaxKind.SemicolonToken)));
            if (property is EventDeclarationSyntax)
            {
                return "event " + header; // add and remove are always there
            }

            var accessors = new List<string>();
            if (property.AccessorList is null)
            {
                accessors.Add("get");
            }
            else
            {
                foreach (var accessor in property.AccessorList.Accessors)
                {
                    var own = AccessOf(accessor.Modifiers) ?? access;
                    if (own is Access.Public or Access.Protected or Access.ProtectedInternal)
                    {
                        accessors.Add((own == access ? "" : AccessWords(own) + " ") + accessor.Keyword.Text);
                    }
                }
            }

            return header + " { " + string.Join(" ; ", accessors.Order(StringComparer.Ordinal)) + " }";
        }

        private static bool IsBodyLike(SyntaxNode node, MemberDeclarationSyntax member) =>
            node is AttributeListSyntax
            || (node is BlockSyntax or ArrowExpressionClauseSyntax && (node.Parent == member || node.Parent is AccessorDeclarationSyntax))
            || (node is EqualsValueClauseSyntax && node.Parent == member)
            || (node is ConstructorInitializerSyntax && node.Parent == member);

        /// <summary>The contract attributes on the declaration, its parameters, type parameters and return, as written (sorted).</summary>
        private IReadOnlyList<string> Contract(SyntaxNode declaration)
        {
            List<string>? found = null;
            foreach (var node in declaration.DescendantNodes(n => n == declaration || n is not (BlockSyntax or ArrowExpressionClauseSyntax or EqualsValueClauseSyntax
                or MemberDeclarationSyntax or AccessorListSyntax)))
            {
                if (node is AttributeSyntax attribute && ContractAttributes.Contains(AttributeName(attribute)))
                {
                    var target = (attribute.Parent as AttributeListSyntax)?.Target is { } t ? t.Identifier.ValueText + ": " : "";
                    (found ??= []).Add(target + AttributeName(attribute) + (attribute.ArgumentList is null ? "" : Text(attribute.ArgumentList, static _ => true, "")));
                }
            }

            if (declaration is BasePropertyDeclarationSyntax { AccessorList: { } accessors })
            {
                foreach (var attribute in accessors.Accessors.SelectMany(a => a.AttributeLists).SelectMany(l => l.Attributes))
                {
                    if (ContractAttributes.Contains(AttributeName(attribute)))
                    {
                        (found ??= []).Add(((AccessorDeclarationSyntax)attribute.Parent!.Parent!).Keyword.Text + ": " + AttributeName(attribute)
                            + (attribute.ArgumentList is null ? "" : Text(attribute.ArgumentList, static _ => true, "")));
                    }
                }
            }

            return found is null ? [] : found.Order(StringComparer.Ordinal).ToList();
        }

        private static IReadOnlyList<string> AttributeNames(SyntaxList<AttributeListSyntax> lists) =>
            lists.Count == 0 ? [] : lists.SelectMany(l => l.Attributes).Select(AttributeName).ToList();

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
