using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>
/// A risk class: when its matcher matches an action (a command, a file operation or a tool call),
/// the action carries <see cref="Risk"/> with this rule's id and message.
/// </summary>
public sealed record RiskRuleDef
{
    public string Id { get; init; } = "";
    public Located<string> Risk { get; init; } = new("high", null);
    public string Message { get; init; } = "";
    public CommandMatchDef? Command { get; init; }
    public PathMatchDef? Path { get; init; }
    public ToolMatchDef? Tool { get; init; }

    /// <summary>Matches what a command does (docs/effects.md), whatever program does it.</summary>
    public EffectMatchDef? Effect { get; init; }

    /// <summary>The safer way to get the same done, told to the agent with a deny or escalate.</summary>
    public string? Alternative { get; init; }

    public Located<string>? When { get; init; }

    /// <summary>enforce (default), warn or shadow: see <see cref="Model.Enforcement"/>.</summary>
    public Enforcement Enforcement { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>
/// Matches one invocation of a parsed shell command. Every field given must match (AND);
/// within a list any entry may match (OR). Program names are compared after normalisation
/// (<c>/bin/rm</c>, <c>\rm</c>, <c>'rm'</c> are all <c>rm</c>); flags after splitting (<c>-rf</c> = <c>-r -f</c>).
/// </summary>
public sealed record CommandMatchDef
{
    /// <summary>Program names (globs allowed: <c>mkfs*</c>).</summary>
    public IReadOnlyList<string> Programs { get; init; } = [];

    /// <summary>First non-flag argument(s), for <c>git push</c>, <c>npm publish</c>, <c>kubectl delete</c>.</summary>
    public IReadOnlyList<string> Subcommands { get; init; } = [];

    /// <summary>Any of these flags present.</summary>
    public IReadOnlyList<string> AnyFlags { get; init; } = [];

    /// <summary>Each group: at least one flag of the group present (for "-r and -f" written many ways).</summary>
    public IReadOnlyList<IReadOnlyList<string>> AllFlagGroups { get; init; } = [];

    /// <summary>Globs; some argument value matches one of them: a positional (or the value of its <c>x=value</c>
    /// form) or the value of a flag written <c>--opt=value</c> (so <c>wget --post-file=.env</c> names <c>.env</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>A regex some argument (or the whole argument text) matches.</summary>
    public string? ArgsRegex { get; init; }

    /// <summary>Globs for redirection targets written to (<c>&gt;</c>, <c>&gt;&gt;</c>, <c>&amp;&gt;</c>).</summary>
    public IReadOnlyList<string> RedirectTo { get; init; } = [];

    /// <summary>Matches when an earlier stage of the same pipeline runs one of these programs.</summary>
    public IReadOnlyList<string> PipeFrom { get; init; } = [];

    /// <summary>Contexts the invocation must be in: substitution, background, pipeline, remote, inline-code.</summary>
    public IReadOnlyList<string> Contexts { get; init; } = [];

    // The matchers below see flags and positionals (non-flag arguments) as separate facts: `flags` only flags,
    // `words`, `argAt`, `minArgs`, `maxArgs` and `pathArgs` only positionals. Their values keep their place in
    // the file, so that a bad glob or regex is reported where it is written.

    /// <summary>Globs for the program word as written (<see cref="Programs"/> compares the normalised name):
    /// <c>./init.sh</c> matches <c>./init.sh</c>, not <c>/x/init.sh</c>.</summary>
    public IReadOnlyList<Located<string>> RawPrograms { get; init; } = [];

    /// <summary>Globs; some flag matches one of them (<c>-*</c> is any flag; <c>-rf</c> counts as <c>-r</c> and <c>-f</c>).</summary>
    public IReadOnlyList<Located<string>> Flags { get; init; } = [];

    /// <summary>
    /// Each entry: glob words separated by spaces that the leading positional words must match, wherever flags sit.
    /// A positional holding spaces counts as its words (<c>pkill -f 'node server.js'</c> has the words <c>node</c>,
    /// <c>server.js</c>).
    /// </summary>
    public IReadOnlyList<Located<string>> Words { get; init; } = [];

    /// <summary>Positionals at given places (0 the first, -1 the last); every entry must match.</summary>
    public IReadOnlyList<ArgAtDef> ArgAt { get; init; } = [];

    /// <summary>At least this many positionals.</summary>
    public int? MinArgs { get; init; }

    /// <summary>At most this many positionals.</summary>
    public int? MaxArgs { get; init; }

    /// <summary><c>outside</c>: some positional that looks like a path resolves outside the workspace.</summary>
    public string? PathArgs { get; init; }

    /// <summary>Nested matchers none of which may match the same invocation.</summary>
    public IReadOnlyList<CommandMatchDef> Not { get; init; } = [];

    public SourceLocation? Location { get; init; }
}

/// <summary>The positional at <see cref="Index"/> (negative counts from the end) matches one of <see cref="Globs"/> and <see cref="Regex"/>, where given.</summary>
public sealed record ArgAtDef
{
    public int Index { get; init; }

    public IReadOnlyList<Located<string>> Globs { get; init; } = [];

    public Located<string>? Regex { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>Matches a file operation (or a redirection target, as a write).</summary>
public sealed record PathMatchDef
{
    public IReadOnlyList<string> Globs { get; init; } = [];

    /// <summary>read, write, delete; empty means any.</summary>
    public IReadOnlyList<string> Ops { get; init; } = [];
}

/// <summary>
/// Matches an effect a command has (packs resolve invocations to effects). Every field given must match;
/// within a list any entry may match.
/// </summary>
public sealed record EffectMatchDef
{
    /// <summary>Effect names or <c>prefix.*</c> globs (<c>remote.destroy</c>, <c>vcs.*</c>).</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Target classes of file effects: workspace, temp, outside, protected, secret, unknown.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>When set, the effect must (true) or must not (false) be recursive.</summary>
    public bool? Recursive { get; init; }

    /// <summary>HTTP methods of network effects.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>local or remote, for network effects.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];
}

public sealed record ToolMatchDef
{
    /// <summary>Tool name globs: <c>Bash</c>, <c>mcp__github__*</c>.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];
}

/// <summary>How commands are judged as a whole, beyond the risk rules.</summary>
public sealed record ActionSettings
{
    /// <summary>"denylist": risk rules classify, anything unmatched is <see cref="DefaultRisk"/>.
    /// "allowlist": only <see cref="Allowlist"/> programs are <see cref="DefaultRisk"/>; others are <see cref="UnlistedRisk"/>.
    /// "effects": programs the policy's packs know are judged by their effects; a program no pack knows is <see cref="UnlistedRisk"/>.</summary>
    public string Mode { get; init; } = "denylist";

    public string DefaultRisk { get; init; } = "low";

    public string UnlistedRisk { get; init; } = "high";

    /// <summary>Risk of a command the parser cannot read or whose program is dynamic (<c>$X</c>, <c>$(...)</c>).</summary>
    public string UnknownRisk { get; init; } = "critical";

    public IReadOnlyList<AllowedProgramDef> Allowlist { get; init; } = [];

    /// <summary>Variables whose values are known before commands run; a program named by one is classified as its value.</summary>
    public IReadOnlyList<ProgramVariableDef> ProgramVariables { get; init; } = [];

    /// <summary>Path globs that count as inside the workspace besides the repository itself (e.g. /tmp/**).</summary>
    public IReadOnlyList<string> WorkspaceExtraPaths { get; init; } = [];

    /// <summary>Risk of writing or deleting a path outside the workspace (absolute, <c>..</c> escape, symlink out).</summary>
    public string OutsideWorkspaceRisk { get; init; } = "high";

    /// <summary>Risk of reading a path outside the workspace.</summary>
    public string OutsideWorkspaceReadRisk { get; init; } = "medium";

    /// <summary>Risk of writing or deleting a protected path (version-control internals, CI workflows, the policy, shell rc files).</summary>
    public string ProtectedPathRisk { get; init; } = "high";

    /// <summary>Globs of protected paths besides the protected-paths diff rule's (<c>.git/**</c>, agent settings).</summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];

    /// <summary>Globs of secret files (keys, credentials, <c>.env</c>): the target class <c>secret</c>.</summary>
    public IReadOnlyList<string> SecretPaths { get; init; } = [];

    /// <summary>Globs of temporary folders: the target class <c>temp</c>.</summary>
    public IReadOnlyList<string> TempPaths { get; init; } = [];
}

/// <summary>An allowlisted program and, optionally, the only subcommands or argument globs it may take.</summary>
public sealed record AllowedProgramDef
{
    public string Program { get; init; } = "";
    public IReadOnlyList<string> Subcommands { get; init; } = [];
    public IReadOnlyList<string> DeniedFlags { get; init; } = [];
    public SourceLocation? Location { get; init; }
}
