using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>
/// A rule of the diff gate. <see cref="Kind"/> says which check runs; the other fields are its parameters
/// (each kind reads the ones it documents). Kinds: scope, protected-paths, max-files, max-lines,
/// tests-required, secrets, trojan-source, path-safety, rollback-note, base-hashes, added-commands, banned-api,
/// public-api, schema, symbol-scope, contract-types.
/// </summary>
public sealed record DiffRuleDef
{
    public string Id { get; init; } = "";
    public string Kind { get; init; } = "";
    public Severity Severity { get; init; } = Severity.Deny;
    public string Message { get; init; } = "";
    public IReadOnlyList<string> Paths { get; init; } = [];
    public IReadOnlyList<string> ExcludePaths { get; init; } = [];
    public IReadOnlyList<string> SourcePaths { get; init; } = [];
    public IReadOnlyList<string> TestPaths { get; init; } = [];
    public int? Max { get; init; }
    public int? MaxPerFile { get; init; }
    public IReadOnlyList<string> Patterns { get; init; } = [];
    public IReadOnlyList<string> Allow { get; init; } = [];
    public string? Marker { get; init; }

    /// <summary>secrets: Shannon entropy (bits per character) over which an assigned value counts as a secret.</summary>
    public double? Threshold { get; init; }
    public string? Schema { get; init; }
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>added-commands: the autonomy level whose decision judges the commands a change adds; default: the policy's default level.</summary>
    public string? Level { get; init; }

    /// <summary>enforce (default), warn or shadow: see <see cref="Model.Enforcement"/>.</summary>
    public Enforcement Enforcement { get; init; }

    public SourceLocation? Location { get; init; }
}
