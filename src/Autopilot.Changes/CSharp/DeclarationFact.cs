using Autopilot.Policy.Model;

namespace Autopilot.Changes.CSharp;

/// <summary>Declared accessibility, least visible first.</summary>
internal enum Access : byte
{
    Private = 0,
    PrivateProtected = 1,
    Internal = 2,
    Protected = 3,
    ProtectedInternal = 4,
    Public = 5,
}

/// <summary>
/// What one declaration looks like in one version of one file: the few facts the diff needs, never
/// a syntax node (so trees can be dropped as soon as a file is read).
/// </summary>
internal sealed record DeclarationFact
{
    public required string Key { get; init; }

    /// <summary>The owning project ("" when unknown): the same key in another project is another declaration.</summary>
    public string Project { get; init; } = "";

    /// <summary><see cref="Key"/> qualified by <see cref="Project"/>: what the diff matches on.</summary>
    public string Id => Project.Length == 0 ? Key : Project + "|" + Key;

    /// <summary><see cref="ContainerKey"/> qualified by <see cref="Project"/>.</summary>
    public string? ContainerId => ContainerKey is null ? null : Project.Length == 0 ? ContainerKey : Project + "|" + ContainerKey;

    public required DeclarationKind Kind { get; init; }

    public string? ContainerKey { get; init; }

    public string Namespace { get; init; } = "";

    /// <summary>Accessibility written on the declaration; null when none is written.</summary>
    public Access? DeclaredAccess { get; init; }

    /// <summary>What C# assumes when nothing is written (depends on where the declaration sits).</summary>
    public Access DefaultAccess { get; init; }

    public bool IsExplicitImplementation { get; init; }

    /// <summary>An abstract member, or an interface member without a body: implementers must provide it.</summary>
    public bool IsRequirement { get; init; }

    /// <summary>For types: whether others may derive from it (class or record not sealed or static, interface).</summary>
    public bool IsExtensible { get; init; }

    public bool IsPartial { get; init; }

    /// <summary>A declaration the compiler supplies (the parameterless constructor of a class that declares none).</summary>
    public bool IsImplicit { get; init; }

    /// <summary>The contract attributes (<see cref="DeclarationCollector.ContractAttributes"/>) on it, its parameters and return, as written: one entry each (<c>return: NotNull</c>).</summary>
    public IReadOnlyList<string> ContractEntries { get; init; } = [];

    /// <summary>All its contract attributes, in one string.</summary>
    public string Contract => string.Join(" ", ContractEntries);

    /// <summary>The contract attributes the PublicAPI files record (<see cref="DeclarationCollector.RecordedAttributes"/>).</summary>
    public string RecordedContract => string.Join(" ", ContractEntries.Where(IsRecorded));

    /// <summary>The contract attributes no PublicAPI file records (<c>Obsolete</c>, <c>EditorBrowsable</c>, ...).</summary>
    public string UnrecordedContract => string.Join(" ", ContractEntries.Where(e => !IsRecorded(e)));

    /// <summary>Whether nullable annotations are enabled where it is declared (<c>#nullable</c> or the project's <c>&lt;Nullable&gt;</c>).</summary>
    public bool NullableAnnotations { get; init; }

    /// <summary>
    /// What callers see of it per preprocessor variant (<c>net8.0|Release</c>) it exists in: one entry per variant; empty when the
    /// file was read once, without variants.
    /// </summary>
    public IReadOnlyDictionary<string, VariantSurface> Variants { get; init; } = EmptyVariants;

    /// <summary>
    /// What callers see as the PublicAPI files record it, in one string: signature, recorded contract attributes
    /// (<c>[Experimental]</c>), nullable context and accessibility. The other contract attributes are <see cref="UnrecordedContract"/>.
    /// </summary>
    public string Surface => $"{Signature}|{RecordedContract}|{(NullableAnnotations ? "nullable" : "oblivious")}|{EffectiveDeclared}";

    /// <summary>This reading's surface and unrecorded contract attributes, for <see cref="Variants"/>.</summary>
    public VariantSurface VariantSurface => new(Surface, UnrecordedContract);

    private static readonly IReadOnlyDictionary<string, VariantSurface> EmptyVariants = new Dictionary<string, VariantSurface>();

    private static bool IsRecorded(string entry)
    {
        // "return: NotNull", "get: Obsolete(\"x\")", "Experimental(\"ID\")": the name after an optional target, before '('.
        var colon = entry.IndexOf(": ", StringComparison.Ordinal);
        var paren = entry.IndexOf('(', StringComparison.Ordinal);
        var start = colon >= 0 && (paren < 0 || colon < paren) ? colon + 2 : 0;
        var name = paren > start ? entry[start..paren] : entry[start..];
        return DeclarationCollector.RecordedAttributes.Contains(name);
    }

    /// <summary>The declaration without bodies, initializers, attributes or trivia.</summary>
    public string Signature { get; init; } = "";

    /// <summary>Everything of the declaration (for a type: its header only; members are facts of their own), without trivia.</summary>
    public string Full { get; init; } = "";

    /// <summary>For types: the entries of the base list, as written.</summary>
    public IReadOnlyList<string> Bases { get; init; } = [];

    public IReadOnlyList<string> Attributes { get; init; } = [];

    public required SourceLocation Location { get; init; }

    public Access EffectiveDeclared => DeclaredAccess ?? DefaultAccess;
}

/// <summary>
/// One declaration under one preprocessor variant: <see cref="Api"/> is its <see cref="DeclarationFact.Surface"/> (what the
/// PublicAPI files record), <see cref="Attributes"/> its <see cref="DeclarationFact.UnrecordedContract"/>.
/// </summary>
internal readonly record struct VariantSurface(string Api, string Attributes)
{
    /// <summary>Two readings of one declaration in one variant (partial parts), side by side.</summary>
    public VariantSurface Append(VariantSurface other) => new(Api + "\n" + other.Api, Attributes + "\n" + other.Attributes);
}
