using Autopilot.Changes.Rules;

namespace Autopilot.Changes.WorkOrders;

/// <summary>What the diff rules need of a work order.</summary>
public static class WorkOrderScope
{
    public static ScopeFacts ToScopeFacts(this WorkOrder order) => new()
    {
        AllowedPaths = order.AllowedPaths,
        Symbols = order.Symbols,
        BaseHashes = order.BaseHashes,
        MaxFiles = order.Caps.MaxFiles,
        MaxLines = order.Caps.MaxLines,
        MaxLinesPerFile = order.Caps.MaxLinesPerFile,
        RollbackNote = order.RollbackNote,
        TaskId = order.TaskId,
    };
}
