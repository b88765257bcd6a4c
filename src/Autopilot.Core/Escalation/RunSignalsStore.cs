using System.Text.Json;
using System.Text.Json.Nodes;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Escalation;

/// <summary>
/// The running signals of one agent session, kept on disk between hook calls (.autopilot/signals/&lt;session&gt;.json):
/// tool outcomes update the failure counters, and the escalation rules read them. Updates happen under a
/// lock and are written atomically, so concurrent hooks neither lose an update nor leave half a file.
/// </summary>
public sealed class RunSignalsStore
{
    private readonly string _directory;

    public RunSignalsStore(string directory) => _directory = directory;

    /// <summary>Records one tool outcome and returns the signals after it.</summary>
    public RunSignals RecordOutcome(string session, bool failed, string? errorText)
    {
        DurableFile.EnsureDirectory(_directory);
        var file = Path.Combine(_directory, DurableFile.EscapeFileName(session) + ".json");
        using var _ = FileLock.Acquire(file + ".lock", TimeSpan.FromSeconds(10));
        var state = DurableFile.ReadAllBytesOrNull(file) is { } bytes ? JsonNode.Parse(bytes) as JsonObject ?? [] : [];
        double Get(string name) => state[name]?.GetValue<double>() ?? 0;
        if (failed)
        {
            var fingerprint = errorText is null ? "" : DurableFile.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(errorText.Trim()))[..16];
            var same = fingerprint.Length > 0 && (string?)state["lastError"] == fingerprint;
            state["consecutiveFailures"] = Get("consecutiveFailures") + 1;
            state["repeatedErrorCount"] = same ? Get("repeatedErrorCount") + 1 : 1;
            state["lastError"] = fingerprint;
        }
        else
        {
            state["consecutiveFailures"] = 0;
            state["repeatedErrorCount"] = 0;
            state["lastError"] = "";
        }

        state["iterations"] = Get("iterations") + 1;
        DurableFile.WriteAtomic(file, System.Text.Encoding.UTF8.GetBytes(state.ToJsonString()));

        var signals = new RunSignals { Task = session };
        signals["consecutiveFailures"] = Get("consecutiveFailures");
        signals["repeatedErrorCount"] = Get("repeatedErrorCount");
        signals["iterations"] = Get("iterations");
        return signals;
    }
}
