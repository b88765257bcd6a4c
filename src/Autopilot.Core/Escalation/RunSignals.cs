using System.Text.Json.Nodes;
using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Escalation;

/// <summary>
/// One record of run signals (the documented facts escalation rules test), indexed as
/// <see cref="SignalNames.All"/>. Read from JSON: <c>{"consecutiveFailures": 3, "confidence": 0.4, "task": "T-1", "phase": "verify"}</c>.
/// Unknown keys are an error, not ignored: a misspelt signal would otherwise never escalate.
/// </summary>
public sealed class RunSignals
{
    private readonly double[] _values = new double[SignalNames.All.Count];

    public RunSignals()
    {
        // Confidence and score gap default to "fine" so that an absent signal never escalates.
        this["confidence"] = 1;
        this["topOptionScoreGap"] = 1;
    }

    public string? Task { get; set; }

    public string? Phase { get; set; }

    public ReadOnlySpan<double> Values => _values;

    /// <summary>The signals by name (the decision log records them).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < _values.Length; i++)
        {
            map[SignalNames.All[i]] = _values[i];
        }

        return map;
    }

    public double this[string name]
    {
        get => _values[Index(name)];
        set => _values[Index(name)] = value;
    }

    private static int Index(string name)
    {
        var index = SignalNames.IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"'{name}' is not a signal. Signals: {string.Join(", ", SignalNames.All)}.", nameof(name));
    }

    /// <summary>Parses one JSON object of signals.</summary>
    /// <exception cref="FormatException">Not JSON, not an object, an unknown key or a non-numeric value; the message names it.</exception>
    public static RunSignals Parse(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Signals are not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Signals must be one JSON object, like {\"consecutiveFailures\": 3}.");
            }

            var signals = new RunSignals();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "task":
                        signals.Task = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw new FormatException("'task' must be a string.");
                        continue;
                    case "phase":
                        signals.Phase = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw new FormatException("'phase' must be a string.");
                        continue;
                }

                var index = SignalNames.IndexOf(property.Name);
                if (index < 0)
                {
                    var close = Policy.Loading.DidYouMean.Closest(property.Name, SignalNames.All);
                    throw new FormatException($"Unknown signal '{property.Name}'.{(close is null ? $" Signals: {string.Join(", ", SignalNames.All)}." : $" Did you mean '{close}'?")}");
                }

                if (property.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(property.Value.GetDouble()))
                {
                    throw new FormatException($"Signal '{property.Name}' must be a number.");
                }

                signals._values[index] = property.Value.GetDouble();
            }

            return signals;
        }
    }

    /// <summary>The signals as a JSON object, for <c>when:</c> predicates (<c>facts.signals.x</c>).</summary>
    public string ToFactsJson()
    {
        // Built as nodes, not serialized by reflection: the native front (docs/native.md) runs this too.
        var signals = new JsonObject();
        for (var i = 0; i < SignalNames.All.Count; i++)
        {
            signals[SignalNames.All[i]] = _values[i];
        }

        return new JsonObject { ["task"] = Task, ["phase"] = Phase, ["signals"] = signals }.ToJsonString();
    }
}
