using System.Text.Json;
using Autopilot.Core.Transitions;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.WorkOrders;

/// <summary>
/// One piece of evidence a work order adds to what a task must show: the policy's evidence item <see cref="Id"/>,
/// required on leaving <see cref="Phase"/> (written <c>"phase:id"</c>), or on leaving any phase when
/// <see cref="Phase"/> is null (written <c>"id"</c>).
/// </summary>
/// <remarks>Value equality over both members.</remarks>
public sealed record WorkOrderEvidence(string Id, string? Phase)
{
    /// <summary>Reads <c>"id"</c> or <c>"phase:id"</c>.</summary>
    public static WorkOrderEvidence Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var colon = entry.IndexOf(':');
        return colon < 0 ? new WorkOrderEvidence(entry, null) : new WorkOrderEvidence(entry[(colon + 1)..], entry[..colon]);
    }

    /// <summary>Whether it is required on leaving <paramref name="phase"/>.</summary>
    public bool AppliesLeaving(string phase) => Phase is null || Phase == phase;

    public override string ToString() => Phase is null ? Id : $"{Phase}:{Id}";
}

/// <summary>
/// What a task's work order asks of the task beyond its allowed paths (which the change gate reads): an autonomy level
/// that caps the actor's level for the task's actions (it may only lower it), and evidence added to what the task must
/// show before it leaves a phase. The work order is turned into these constraints once, by
/// <c>autopilot workorder apply FILE</c>, which checks it against the policy; the action checks, transitions and agent
/// hooks read them from <c>&lt;state&gt;/workorders/&lt;task&gt;.json</c> (docs/work-orders.md).
/// </summary>
/// <remarks>Value equality: <see cref="RequiredEvidence"/> compares by reference.</remarks>
public sealed record WorkOrderConstraints
{
    /// <summary>The task the work order belongs to (a plain name, as transitions require).</summary>
    public required string Task { get; init; }

    /// <summary>The highest autonomy level the task's actions are judged at; null leaves the actor's level alone.</summary>
    public string? Autonomy { get; init; }

    /// <summary>Evidence the task must show, in addition to its phases' own, before it leaves a phase.</summary>
    public IReadOnlyList<WorkOrderEvidence> RequiredEvidence { get; init; } = [];

    /// <summary>The work order file the constraints came from, for messages.</summary>
    public string Source { get; init; } = "";

    /// <summary>The file that holds the constraints of <paramref name="task"/> under the state folder.</summary>
    public static string PathFor(string stateDir, string task) => Path.Combine(stateDir, "workorders", task + ".json");

    /// <summary>
    /// The constraints recorded for <paramref name="task"/>, or null when there is no task, the task id is not a plain
    /// name (no work order can be applied to it), or none was applied.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is there but cannot be read as constraints (fail closed: callers refuse).</exception>
    public static WorkOrderConstraints? Read(string stateDir, string? task)
    {
        if (task is null || !TransitionEvaluator.IsSafeTaskId(task))
        {
            return null;
        }

        var path = PathFor(stateDir, task);
        byte[]? bytes;
        try
        {
            // The usual case on every hook and check with a task: no work order applied, no file (and no exception).
            bytes = Storage.DurableFile.ReadAllBytesOrNull(path);
        }
        catch (Storage.StorageException ex)
        {
            throw new InvalidDataException($"{path}: the work order constraints cannot be read: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        if (bytes is null)
        {
            return null;
        }

        try
        {
            return FromJson(bytes, task);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"{path}: the work order constraints are malformed ({ex.Message}); apply the work order again.", ex);
        }
    }

    /// <summary>Writes the constraints to <see cref="PathFor"/> (replacing what was there, all at once).</summary>
    public string Write(string stateDir)
    {
        var path = PathFor(stateDir, Task);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("task", Task);
            if (Autonomy is not null)
            {
                writer.WriteString("autonomy", Autonomy);
            }

            writer.WriteStartArray("requiredEvidence");
            foreach (var evidence in RequiredEvidence)
            {
                writer.WriteStringValue(evidence.ToString());
            }

            writer.WriteEndArray();
            writer.WriteString("source", Source);
            writer.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>
    /// The lower of <paramref name="level"/> and <see cref="Autonomy"/> in the policy's order of levels. A level the
    /// policy does not know is answered as it is, so that the check it goes to fails closed on it.
    /// </summary>
    public string Cap(PolicyPlan plan, string level)
    {
        if (Autonomy is not { } cap)
        {
            return level;
        }

        var given = plan.IndexOfAutonomyLevel(level);
        var limit = plan.IndexOfAutonomyLevel(cap);
        return given < 0 ? level : limit < 0 || limit < given ? cap : level;
    }

    /// <summary>The level the actions of <paramref name="task"/> are judged at: <paramref name="level"/> capped by the task's work order, if one was applied.</summary>
    /// <exception cref="InvalidDataException">The task's constraints file is malformed.</exception>
    public static string CapLevel(PolicyPlan plan, string stateDir, string? task, string level) =>
        Read(stateDir, task)?.Cap(plan, level) ?? level;

    private static WorkOrderConstraints FromJson(byte[] bytes, string task)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var recorded = root.GetProperty("task").GetString();
        if (recorded != task)
        {
            throw new InvalidOperationException($"they name task '{recorded}', not '{task}'");
        }

        var evidence = new List<WorkOrderEvidence>();
        if (root.TryGetProperty("requiredEvidence", out var list))
        {
            foreach (var item in list.EnumerateArray())
            {
                evidence.Add(WorkOrderEvidence.Parse(item.GetString() ?? throw new InvalidOperationException("a required evidence entry is null")));
            }
        }

        return new WorkOrderConstraints
        {
            Task = task,
            Autonomy = root.TryGetProperty("autonomy", out var autonomy) ? autonomy.GetString() : null,
            RequiredEvidence = evidence,
            Source = root.TryGetProperty("source", out var source) ? source.GetString() ?? "" : "",
        };
    }
}
