using System.Collections.Generic;
using Autopilot.Policy.Model;

namespace Autopilot.Policy.Packs;

/// <summary>
/// A program pack: which argument of which program is the target of which effect (docs/effects.md).
/// Packs are data (YAML with a schema), shipped with the tool under <c>policies/packs/</c> and extendable by a team.
/// </summary>
public sealed record PackDef
{
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    public string SourcePath { get; init; } = "";

    /// <summary>SHA-256 (hex) of the pack file's bytes: tells whether code generated from a pack is still current.</summary>
    public string Hash { get; init; } = "";
    public IReadOnlyList<ProgramDef> Programs { get; init; } = [];

    /// <summary>Environment variables that change what any program does when assigned before it (<c>GIT_SSH_COMMAND=x git fetch</c>).</summary>
    public IReadOnlyList<EnvironmentDef> Environment { get; init; } = [];
}

/// <summary>Variables (names or globs) whose assignment before a command has these effects, whatever the program.</summary>
public sealed record EnvironmentDef
{
    public IReadOnlyList<string> Names { get; init; } = [];
    public IReadOnlyList<EffectDef> Effects { get; init; } = [];
    public SourceLocation? Location { get; init; }
}

/// <summary>One program (and its aliases): the flags that take a value, its effects, and those of its subcommands.</summary>
public sealed record ProgramDef
{
    /// <summary>Names the program is run by, after normalisation (<c>/usr/bin/rm</c> is <c>rm</c>).</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Flags that take the next word as their value (so the value is not an operand or a subcommand).</summary>
    public IReadOnlyList<string> ValueFlags { get; init; } = [];

    /// <summary>Effects of every run of the program.</summary>
    public IReadOnlyList<EffectDef> Effects { get; init; } = [];

    /// <summary>Subcommands, matched on the leading operands (longest match wins).</summary>
    public IReadOnlyList<SubcommandDef> Subcommands { get; init; } = [];

    /// <summary>The first argument is a bundle of flags written without a dash (<c>tar czf</c>, <c>ar rcs</c>).</summary>
    public bool OldStyleFlags { get; init; }

    /// <summary>Effects when the program has subcommands and none of them matched (an unknown or missing subcommand).</summary>
    public IReadOnlyList<EffectDef> Otherwise { get; init; } = [];

    public SourceLocation? Location { get; init; }
}

/// <summary>A subcommand: one or more words (<c>s3 rm</c>, <c>repo delete</c>), with its own value flags and effects.</summary>
public sealed record SubcommandDef
{
    public IReadOnlyList<string> Words { get; init; } = [];
    public IReadOnlyList<string> ValueFlags { get; init; } = [];
    public IReadOnlyList<EffectDef> Effects { get; init; } = [];
    public SourceLocation? Location { get; init; }
}

/// <summary>
/// One effect a program (or subcommand) has, its targets among the operands, and the conditions under which it applies.
/// Every condition given must hold.
/// </summary>
public sealed record EffectDef
{
    /// <summary>The effect name (<see cref="EffectNames"/>).</summary>
    public string Effect { get; init; } = "";

    /// <summary>Which operands are file targets: none, operands, first, last, all-but-last, stdin (<see cref="EffectNames.TargetSelectors"/>).</summary>
    public string Targets { get; init; } = "none";

    /// <summary>Operands to skip before the targets (a pattern, a script, a mode).</summary>
    public int Skip { get; init; }

    /// <summary>When one of these flags is given, nothing is skipped (<c>sed -e SCRIPT file</c>, <c>grep -e PATTERN file</c>).</summary>
    public IReadOnlyList<string> NoSkipWith { get; init; } = [];

    /// <summary>The targets are folders searched; what the effect touches lies within them (<c>find DIR -delete</c>).</summary>
    public bool Within { get; init; }

    /// <summary>Values of these flags are targets too (<c>curl -o FILE</c>, <c>tar -f FILE</c>).</summary>
    public IReadOnlyList<string> TargetFlags { get; init; } = [];

    /// <summary>Operands starting with this prefix are targets, without it (<c>dd of=FILE</c>).</summary>
    public string? TargetPrefix { get; init; }

    /// <summary>Applies only when one of these flags is given.</summary>
    public IReadOnlyList<string> IfFlags { get; init; } = [];

    /// <summary>Applies only when none of these flags is given.</summary>
    public IReadOnlyList<string> IfNotFlags { get; init; } = [];

    /// <summary>Applies only when some operand matches one of these globs.</summary>
    public IReadOnlyList<string> IfArgs { get; init; } = [];

    /// <summary>Applies only when no operand matches any of these globs.</summary>
    public IReadOnlyList<string> IfNotArgs { get; init; } = [];

    /// <summary>Applies only when one of these flags has a value matching one of its globs (case-insensitive).</summary>
    public IReadOnlyList<FlagValueDef> IfFlagValues { get; init; } = [];

    /// <summary>"none": applies only without operands; "some": only with at least one.</summary>
    public string? IfOperands { get; init; }

    /// <summary>Flags that make a delete or permission change recursive; <c>always</c> in the list makes it always so.</summary>
    public IReadOnlyList<string> Recursive { get; init; } = [];

    /// <summary>For network effects: the method, or the flags whose value is the method (<c>-X</c>).</summary>
    public string? Method { get; init; }

    public IReadOnlyList<string> MethodFlags { get; init; } = [];

    /// <summary>What the effect means here, in words for the person and the agent.</summary>
    public string? Reason { get; init; }

    /// <summary>The safer way to get the same done, when there is one.</summary>
    public string? Alternative { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>A flag and the value globs that make an effect apply (<c>-X: [DELETE]</c>, <c>-c: ["core.sshCommand=*"]</c>).</summary>
public sealed record FlagValueDef(string Flag, IReadOnlyList<string> Values);
