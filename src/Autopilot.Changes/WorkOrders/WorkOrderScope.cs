using Autopilot.Changes.Rules;
using Autopilot.Core.WorkOrders;

namespace Autopilot.Changes.WorkOrders;

/// <summary>What the diff rules, and the checks of a task's actions and transitions, need of a work order.</summary>
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

    /// <summary>
    /// The constraints the action checks, transitions and hooks read for the work order's task (docs/work-orders.md).
    /// Check the work order against the policy first (<see cref="WorkOrderLayer.Check"/>): these are not checked again.
    /// </summary>
    public static WorkOrderConstraints ToConstraints(this WorkOrder order) => new()
    {
        Task = order.TaskId,
        Autonomy = order.Autonomy,
        RequiredEvidence = order.RequiredEvidence.Select(WorkOrderEvidence.Parse).ToList(),
        Source = order.SourcePath,
    };
}
