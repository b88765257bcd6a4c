using System;
using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>
/// A narrow, owned, expiring exception to one rule (docs/policy-lifecycle.md): while it applies, a match of
/// <see cref="Rule"/> on an action inside its scope (any of <see cref="Paths"/>, <see cref="Commands"/>,
/// <see cref="Tools"/>, <see cref="Tasks"/>; every kind given must match) is waived, and the use is recorded.
/// </summary>
/// <remarks>Value equality over all members; the lists compare by reference.</remarks>
public sealed record PolicyExceptionDef
{
    public string Id { get; init; } = "";

    /// <summary>The id of the rule the exception waives.</summary>
    public Located<string> Rule { get; init; } = new("", null);

    /// <summary>Path globs (the project's one glob, <c>Policy/Patterns/Glob.cs</c>, docs/globs.md) of the file the action touches.</summary>
    public IReadOnlyList<Located<string>> Paths { get; init; } = [];

    /// <summary>Patterns (<see cref="Patterns.ArgumentPattern"/>: <c>*</c> is any text) of the command text.</summary>
    public IReadOnlyList<Located<string>> Commands { get; init; } = [];

    /// <summary>Tool name globs.</summary>
    public IReadOnlyList<Located<string>> Tools { get; init; } = [];

    /// <summary>Task ids (exact) the action must belong to.</summary>
    public IReadOnlyList<Located<string>> Tasks { get; init; } = [];

    public string Owner { get; init; } = "";

    public string Reason { get; init; } = "";

    /// <summary>The first day (UTC) on which the exception no longer applies: it applies while now &lt; this date at 00:00 UTC.</summary>
    public DateTime Expires { get; init; }

    public SourceLocation? ExpiresLocation { get; init; }

    public SourceLocation? Location { get; init; }

    public bool HasScope => Paths.Count + Commands.Count + Tools.Count + Tasks.Count > 0;

    /// <summary>True while the exception applies at <paramref name="utcNow"/>.</summary>
    public bool AppliesAt(DateTimeOffset utcNow) => utcNow.UtcDateTime < Expires;
}

/// <summary>
/// Where a layered policy's base comes from (<c>base:</c> in an overlay): a file or folder (<see cref="Path"/>,
/// relative to the overlay), or a NuGet package (<see cref="Package"/> at <see cref="Version"/>, looked up in
/// <see cref="Source"/> or the NuGet global packages folder). <see cref="Sha256"/> pins the content.
/// </summary>
public sealed record PolicyBaseDef
{
    public string? Path { get; init; }

    public string? Package { get; init; }

    public string? Version { get; init; }

    public string? Source { get; init; }

    public Located<string>? Sha256 { get; init; }

    public SourceLocation? Location { get; init; }
}

/// <summary>One layer of an effective policy, most general first.</summary>
public sealed record PolicyLayerInfo(string Name, string Source, string Hash);
