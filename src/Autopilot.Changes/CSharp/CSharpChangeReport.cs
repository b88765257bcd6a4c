using Autopilot.Policy.Model;

namespace Autopilot.Changes.CSharp;

/// <summary>One changed C# file: its text before and after. Null old text: added file; null new text: deleted file.</summary>
/// <remarks>Value equality over all members.</remarks>
internal sealed record CSharpFileChange(string Path, string? OldText, string? NewText)
{
    /// <summary>The project that compiled the old text, when known: its preprocessor variants, nullable context and name.</summary>
    public CSharpProject? OldProject { get; init; }

    /// <summary>The project that compiles the new text, when known.</summary>
    public CSharpProject? NewProject { get; init; }
}

/// <summary>
/// What the analysis needs to know of the project that owns a C# file: its name (declarations of different projects are
/// different declarations), the preprocessor symbol sets it is compiled under, the nullable context, whether it ships.
/// </summary>
/// <remarks>Value equality over the scalar members; the lists compare by reference.</remarks>
/// <param name="Name">The project file's name without extension (<c>MyLib</c>).</param>
/// <param name="File">The project file's repository-relative path.</param>
internal sealed record CSharpProject(string Name, string File)
{
    /// <summary>One entry per target framework and configuration; one variant without symbols when unknown.</summary>
    public IReadOnlyList<PreprocessorVariant> Variants { get; init; } = [PreprocessorVariant.None];

    /// <summary>Nullable annotations enabled project-wide (<c>&lt;Nullable&gt;</c> is <c>enable</c> or <c>annotations</c>).</summary>
    public bool NullableAnnotations { get; init; }

    /// <summary>The raw <c>&lt;Nullable&gt;</c> value ("" when not set).</summary>
    public string Nullable { get; init; } = "";

    /// <summary>Whether its public API reaches others: a packable library, not a test project (see <see cref="Why"/>).</summary>
    public bool Ships { get; init; } = true;

    /// <summary>Why <see cref="Ships"/> is what it is, for messages.</summary>
    public string Why { get; init; } = "";
}

/// <summary>One way a project compiles: a target framework, a configuration and the symbols they define.</summary>
/// <remarks>Value equality over the scalar members; <see cref="Symbols"/> compares by reference.</remarks>
internal sealed record PreprocessorVariant(string Framework, string Configuration, IReadOnlyList<string> Symbols)
{
    public static PreprocessorVariant None { get; } = new("", "", []);

    /// <summary><c>net8.0|Release</c>, or "" for <see cref="None"/>.</summary>
    public string Label => Framework.Length == 0 && Configuration.Length == 0 ? "" : Framework + "|" + Configuration;
}

internal enum MemberChangeKind : byte
{
    Added = 0,
    Removed = 1,
    Changed = 2,
}

/// <summary>What sort of declaration a <see cref="MemberChange"/> is about.</summary>
internal enum DeclarationKind : byte
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
internal sealed record MemberChange(string Key, MemberChangeKind Kind, bool IsPublicApi, bool IsBreaking, SourceLocation? Location)
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

    /// <summary>The owning project's name ("" when unknown).</summary>
    public string Project { get; init; } = "";

    /// <summary>Whether the owning project ships (true when unknown); public API of a project that does not is not judged.</summary>
    public bool Ships { get; init; } = true;

    /// <summary>Why the owning project does or does not ship ("" when unknown).</summary>
    public string ShipsBecause { get; init; } = "";

    /// <summary>The target frameworks the change shows in, when the file was read under several; empty otherwise.</summary>
    public IReadOnlyList<string> Frameworks { get; init; } = [];

    /// <summary>The declaration as written (name, types, modifiers, accessors, per framework) differs, not only its attributes or nullable context.</summary>
    public bool DeclarationChanged { get; init; }

    /// <summary>A contract attribute (<c>[Obsolete]</c>, <c>[Experimental]</c>, nullable attributes, ...) was added, removed or changed.</summary>
    public bool ContractChanged { get; init; }

    /// <summary>The nullable annotation context of the declaration changed (a <c>#nullable</c> directive or the project's <c>&lt;Nullable&gt;</c>).</summary>
    public bool NullableChanged { get; init; }

    /// <summary>
    /// Only contract attributes that PublicAPI files cannot record changed (<c>[Obsolete]</c>, <c>[EditorBrowsable]</c>,
    /// <c>[Requires...]</c>, nullable attributes, ...): the signature, accessibility, nullable annotations, <c>[Experimental]</c>
    /// and the frameworks it exists in are the same. The public-api rule reports it as <see cref="RuleIds.PublicApiAttribute"/>.
    /// </summary>
    public bool AttributeOnly { get; init; }
}

/// <summary>A newly introduced use of a banned API (the old text of the same member had fewer).</summary>
/// <remarks>Value equality over all members.</remarks>
/// <param name="Entry">The banned entry as the policy wrote it (<c>T:System.Console</c>), without its message.</param>
/// <param name="Text">The name as written at the use (<c>Console.WriteLine</c>).</param>
/// <param name="Member">Key of the member containing the use, or <c>&lt;usings&gt;</c>.</param>
internal sealed record BannedApiUse(string Entry, string Text, string Member, SourceLocation Location);

/// <summary>A syntax error in a changed file; in the new text it makes the gate fail closed.</summary>
/// <remarks>Value equality over all members.</remarks>
internal sealed record CSharpParseError(string Id, string Message, SourceLocation Location, bool InOldText);

/// <summary>Everything the Roslyn pass learned about a set of changed C# files.</summary>
internal sealed record CSharpChangeReport
{
    public IReadOnlyList<MemberChange> Members { get; init; } = [];

    public IReadOnlyList<BannedApiUse> BannedApiUses { get; init; } = [];

    public IReadOnlyList<CSharpParseError> ParseErrors { get; init; } = [];

    /// <summary>Number of files analysed.</summary>
    public int FileCount { get; init; }

    /// <summary>True when some new text does not parse: the analysis is incomplete and must not allow.</summary>
    public bool HasNewParseErrors => ParseErrors.Any(e => !e.InOldText);
}
