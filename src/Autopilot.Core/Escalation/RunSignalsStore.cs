using System.Text.Json;
using System.Text.Json.Nodes;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Escalation;

/// <summary>
/// Where the running signals of agent sessions live between hook calls: files by default
/// (<see cref="RunSignalsStore"/>), a database for fleets. Updates of one session are serialised
/// across processes, so concurrent hooks never lose an update.
/// </summary>
public interface IRunSignalsStore
{
    /// <summary>Records one tool outcome and returns the signals after it.</summary>
    RunSignals RecordOutcome(string session, bool failed, string? errorText);
}

/// <summary>
/// The running signals of one agent session, kept on disk between hook calls (.autopilot/signals/&lt;session&gt;.json):
/// tool outcomes update the failure counters, and the escalation rules read them. Updates happen under a
/// lock and are written atomically, so concurrent hooks neither lose an update nor leave half a file.
/// </summary>
public sealed class RunSignalsStore : IRunSignalsStore
{
    private readonly string _directory;

    public RunSignalsStore(string directory) => _directory = directory;

    /// <summary>The default signals folder for a state folder: <c>&lt;state&gt;/signals</c>.</summary>
    public static string DefaultDirectory(string stateDirectory) => Path.Combine(stateDirectory, "signals");

    public RunSignals RecordOutcome(string session, bool failed, string? errorText)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        DurableFile.EnsureDirectory(_directory);
        var file = Path.Combine(_directory, DurableFile.EscapeFileName(session) + ".json");
        using var _ = FileLock.Acquire(file + ".lock", TimeSpan.FromSeconds(10));
        var state = DurableFile.ReadAllBytesOrNull(file) is { } bytes ? JsonNode.Parse(bytes) as JsonObject ?? [] : [];
        Apply(state, failed, errorText);
        DurableFile.WriteAtomic(file, System.Text.Encoding.UTF8.GetBytes(state.ToJsonString()));
        return ToSignals(session, state);
    }

    /// <summary>Updates a session's stored state with one outcome (the one rule every store applies).</summary>
    public static void Apply(JsonObject state, bool failed, string? errorText)
    {
        double Get(string name) => state[name]?.GetValue<double>() ?? 0;
        if (failed)
        {
            var fingerprint = errorText is null ? "" : DurableFile.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(errorText.Trim()))[..16];
            var same = fingerprint.Length > 0 && (string?)state["lastError"] == fingerprint;
            state["consecutiveFailures"] = Get("consecutiveFailures") + 1;
            state["repeatedErrorCount"] = same ? Get("repeatedErrorCount") + 1 : 1d;
            state["lastError"] = fingerprint;
        }
        else
        {
            // Doubles, like every other count here: an int node cannot be read back with GetValue<double>().
            state["consecutiveFailures"] = 0d;
            state["repeatedErrorCount"] = 0d;
            state["lastError"] = "";
        }

        state["iterations"] = Get("iterations") + 1;
    }

    /// <summary>The signals the escalation rules read from a session's stored state.</summary>
    public static RunSignals ToSignals(string session, JsonObject state)
    {
        double Get(string name) => state[name]?.GetValue<double>() ?? 0;
        var signals = new RunSignals { Task = session };
        signals["consecutiveFailures"] = Get("consecutiveFailures");
        signals["repeatedErrorCount"] = Get("repeatedErrorCount");
        signals["iterations"] = Get("iterations");
        return signals;
    }
}
