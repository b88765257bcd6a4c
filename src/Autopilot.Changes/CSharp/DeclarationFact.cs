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
