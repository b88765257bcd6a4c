using Autopilot.Policy.Model;

namespace Autopilot.Changes.WorkOrders;

/// <summary>What one unit of work may touch, as its work-order file says.</summary>
/// <remarks>Value equality: lists and the hash map compare by reference (records of collections).</remarks>
public sealed record WorkOrder
{
    public string TaskId { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>Path globs the change may touch.</summary>
    public IReadOnlyList<string> AllowedPaths { get; init; } = [];

    /// <summary>C# symbol globs the change may touch; empty means no symbol limit.</summary>
    public IReadOnlyList<string> Symbols { get; init; } = [];

    /// <summary>Path → SHA-256 (lower-case hex) of files as the work order saw them.</summary>
    public IReadOnlyDictionary<string, string> BaseHashes { get; init; } = new Dictionary<string, string>();

    public WorkOrderCaps Caps { get; init; } = new();

    /// <summary>Autonomy level id, when the work order sets one.</summary>
    public string? Autonomy { get; init; }

    public IReadOnlyList<string> RequiredEvidence { get; init; } = [];

    public string? RollbackNote { get; init; }

    /// <summary>Where the work order was read from (a path, or the name given to the text).</summary>
    public string SourcePath { get; init; } = "";
}

/// <summary>Limits on the size of the change; null means the policy's own caps apply.</summary>
public sealed record WorkOrderCaps(int? MaxFiles = null, int? MaxLines = null, int? MaxLinesPerFile = null);

/// <summary>One reason a work order was refused, located in its file.</summary>
/// <remarks>Value equality over all members.</remarks>
public sealed record WorkOrderError(string Message, SourceLocation Location)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>A work order that cannot be used; <see cref="Errors"/> say where and why.</summary>
public sealed class WorkOrderException(IReadOnlyList<WorkOrderError> errors)
    : Exception("Invalid work order:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<WorkOrderError> Errors { get; } = errors;
}
