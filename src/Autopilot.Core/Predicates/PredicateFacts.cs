using System.Text.Json;

namespace Autopilot.Core.Predicates;

/// <summary>
/// The facts one predicate call sees as <c>facts</c>: names bound to strings, lists of strings or null.
/// Built in .NET and handed to the engine as JavaScript values directly, with no JSON in between
/// (that round trip cost more than running a typical predicate).
/// </summary>
internal sealed class PredicateFacts
{
    private readonly List<KeyValuePair<string, object?>> _values = [];

    /// <summary>The facts in the order they were added: each value is a <see cref="string"/>, an <see cref="IReadOnlyList{T}"/> of strings, or null.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Values => _values;

    public PredicateFacts Add(string name, string? value)
    {
        _values.Add(new(name, value));
        return this;
    }

    public PredicateFacts Add(string name, IReadOnlyList<string> values)
    {
        _values.Add(new(name, values));
        return this;
    }

    /// <summary>The facts as a JSON object, as a predicate would print them with <c>JSON.stringify(facts)</c>.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _values)
            {
                switch (value)
                {
                    case string s:
                        writer.WriteString(name, s);
                        break;
                    case IReadOnlyList<string> list:
                        writer.WriteStartArray(name);
                        foreach (var item in list)
                        {
                            writer.WriteStringValue(item);
                        }

                        writer.WriteEndArray();
                        break;
                    default:
                        writer.WriteNull(name);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public override string ToString() => ToJson();
}
