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

    /// <summary>Globs; some non-flag argument matches one of them.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>A regex some argument (or the whole argument text) matches.</summary>
    public string? ArgsRegex { get; init; }

    /// <summary>Globs for redirection targets written to (<c>&gt;</c>, <c>&gt;&gt;</c>, <c>&amp;&gt;</c>).</summary>
    public IReadOnlyList<string> RedirectTo { get; init; } = [];

    /// <summary>Matches when an earlier stage of the same pipeline runs one of these programs.</summary>
    public IReadOnlyList<string> PipeFrom { get; init; } = [];

    /// <summary>Contexts the invocation must be in: substitution, background, pipeline, remote, inline-code.</summary>
    public IReadOnlyList<string> Contexts { get; init; } = [];
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
