namespace Autopilot.Changes.Rules;

/// <summary>
/// What a work order says about one unit of work, as far as the diff rules need it. The work-order loader maps
/// its JSON to this record. Paths are repository-relative with '/' separators.
/// </summary>
public sealed record ScopeFacts
{
    /// <summary>Globs of the paths the work may touch (scope rule); empty allows nothing.</summary>
    public IReadOnlyList<string> AllowedPaths { get; init; } = [];

    /// <summary>SHA-256 (hex, optionally prefixed <c>sha256:</c>) of files as they were when the work order was written.</summary>
    public IReadOnlyDictionary<string, string> BaseHashes { get; init; } = new Dictionary<string, string>();

    /// <summary>Caps from the work order; they can only tighten the policy's caps, never loosen them.</summary>
    public int? MaxFiles { get; init; }

    public int? MaxLines { get; init; }

    public int? MaxLinesPerFile { get; init; }

    /// <summary>A rollback note written in the work order; satisfies the rollback-note rule when not blank.</summary>
    public string? RollbackNote { get; init; }

    /// <summary>C# symbol globs the change may touch (symbol-scope rule); empty means no symbol limit.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>The task the work order belongs to, for messages.</summary>
    public string? TaskId { get; init; }
}
