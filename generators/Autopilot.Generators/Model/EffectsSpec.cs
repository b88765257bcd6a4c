namespace Autopilot.Generators.Model;

// The program packs of a policy, lowered for the effect resolver's emitter. Sealed records of strings, numbers and
// EquatableArray: equal when the packs are equal, so an unchanged policy with unchanged packs emits nothing new.

/// <summary>A policy's packs, in the order the interpreter reads them (<c>ProgramPacks</c>), and their hash.</summary>
/// <remarks>Equality: the hash and every program and variable entry, structurally.</remarks>
internal sealed record EffectResolverSpec(string PacksHash, string PacksManifest, EquatableArray<string> PackNames, EquatableArray<ProgramSpec> Programs, EquatableArray<EnvironmentSpec> Environment);

/// <summary>
/// One program entry of a pack: its names (exact, or patterns holding <c>*</c> or <c>?</c>), its value flags, its
/// effects, its subcommands (already longest first, as the interpreter tries them) and what applies otherwise.
/// </summary>
internal sealed record ProgramSpec(
    string Pack,
    EquatableArray<string> Names,
    EquatableArray<string> ValueFlags,
    EquatableArray<EffectSpec> Effects,
    EquatableArray<SubcommandSpec> Subcommands,
    EquatableArray<EffectSpec> Otherwise,
    LocationSpec? Location,
    bool OldStyleFlags = false);

/// <summary>
/// A subcommand: its words and the value flags its arguments are split with (its own and the program's, distinct,
/// in order); <see cref="SharesProgramSplit"/> when those are the program's own, so the program's split is reused.
/// </summary>
internal sealed record SubcommandSpec(EquatableArray<string> Words, EquatableArray<string> ValueFlags, bool SharesProgramSplit, EquatableArray<EffectSpec> Effects);

/// <summary>Variables (names or patterns) whose assignment before any program has these effects.</summary>
internal sealed record EnvironmentSpec(string Pack, EquatableArray<string> Names, EquatableArray<EffectSpec> Effects);

/// <summary>One effect entry of a pack, as written (docs/effects.md), with where it is written.</summary>
internal sealed record EffectSpec
{
    public string Effect { get; init; } = "";
    public string Targets { get; init; } = "none";
    public int Skip { get; init; }
    public EquatableArray<string> NoSkipWith { get; init; }
    public EquatableArray<string> TargetFlags { get; init; }
    public string? TargetPrefix { get; init; }
    public bool Within { get; init; }
    public EquatableArray<string> IfFlags { get; init; }
    public EquatableArray<string> IfNotFlags { get; init; }
    public EquatableArray<string> IfArgs { get; init; }
    public EquatableArray<string> IfNotArgs { get; init; }
    public EquatableArray<FlagValueSpec> IfFlagValues { get; init; }
    public string? IfOperands { get; init; }
    public EquatableArray<string> Recursive { get; init; }
    public string? Method { get; init; }
    public EquatableArray<string> MethodFlags { get; init; }
    public string? Reason { get; init; }
    public string? Alternative { get; init; }
    public LocationSpec? Location { get; init; }
}

/// <summary>A flag and the patterns its value must match (one of them, ignoring case).</summary>
internal sealed record FlagValueSpec(string Flag, EquatableArray<string> Patterns);

/// <summary>A pack entry's place in its file, exactly as the loader records it (the effects carry it).</summary>
internal sealed record LocationSpec(string Path, int Line, int Column, int Length, int Offset);
