using Autopilot.Policy.Model;

namespace Autopilot.Changes.CSharp;

/// <summary>One changed C# file: its text before and after. Null old text: added file; null new text: deleted file.</summary>
/// <remarks>Value equality over all members.</remarks>
public sealed record CSharpFileChange(string Path, string? OldText, string? NewText);

public enum MemberChangeKind : byte
{
    Added = 0,
    Removed = 1,
    Changed = 2,
}

/// <summary>What sort of declaration a <see cref="MemberChange"/> is about.</summary>
public enum DeclarationKind : byte
{
    Type = 0,
    Method = 1,
    Constructor = 2,
    Property = 3,
    Indexer = 4,
    Event = 5,
    Field = 6,
    EnumMember = 7,
    Operator = 8,
    Delegate = 9,
    TopLevelStatements = 10,
}

/// <summary>
/// A type or member added, removed or changed between the old and new text of the changed files.
/// <see cref="Key"/> is stable across edits that do not touch the declaration's identity:
/// containing namespace and types, name, generic arity (<c>`1</c>) and parameter types, e.g.
/// <c>Ns.Outer.Inner.Method(int, string)</c>, <c>Ns.Box`1.#ctor(T)</c>, <c>Ns.C.this[int]</c>.
/// </summary>
/// <remarks>Value equality over the positional members; the list members compare by reference.</remarks>
/// <param name="IsPublicApi">Visible outside the assembly (before or after): effective accessibility, not the keyword.</param>
/// <param name="IsBreaking">A public API change that can break callers or implementers.</param>
/// <param name="Location">Where the declaration is in the new text (in the old text for a removal).</param>
public sealed record MemberChange(string Key, MemberChangeKind Kind, bool IsPublicApi, bool IsBreaking, SourceLocation? Location)
{
    public DeclarationKind Declaration { get; init; }

    /// <summary>Key of the containing type; null for a top-level type.</summary>
    public string? ContainingType { get; init; }

    public string Namespace { get; init; } = "";

    /// <summary>True when the declaration itself (not only its body or attributes) differs.</summary>
    public bool SignatureChanged { get; init; }

    /// <summary>Attribute names (no <c>Attribute</c> suffix, no namespace) on the type, or on the containing type of a member.</summary>
    public IReadOnlyList<string> TypeAttributes { get; init; } = [];

    /// <summary>Attribute names on the member itself (before or after).</summary>
    public IReadOnlyList<string> Attributes { get; init; } = [];

    public string Path => Location?.Path ?? "";
}

/// <summary>A newly introduced use of a banned API (the old text of the same member had fewer).</summary>
/// <remarks>Value equality over all members.</remarks>
/// <param name="Entry">The banned entry as the policy wrote it (<c>T:System.Console</c>), without its message.</param>
/// <param name="Text">The name as written at the use (<c>Console.WriteLine</c>).</param>
/// <param name="Member">Key of the member containing the use, or <c>&lt;usings&gt;</c>.</param>
public sealed record BannedApiUse(string Entry, string Text, string Member, SourceLocation Location);

/// <summary>A syntax error in a changed file; in the new text it makes the gate fail closed.</summary>
/// <remarks>Value equality over all members.</remarks>
public sealed record CSharpParseError(string Id, string Message, SourceLocation Location, bool InOldText);

/// <summary>Everything the Roslyn pass learned about a set of changed C# files.</summary>
public sealed record CSharpChangeReport
{
    public IReadOnlyList<MemberChange> Members { get; init; } = [];

    public IReadOnlyList<BannedApiUse> BannedApiUses { get; init; } = [];

    public IReadOnlyList<CSharpParseError> ParseErrors { get; init; } = [];

    /// <summary>Number of files analysed.</summary>
    public int FileCount { get; init; }

    /// <summary>True when some new text does not parse: the analysis is incomplete and must not allow.</summary>
    public bool HasNewParseErrors => ParseErrors.Any(e => !e.InOldText);
}
