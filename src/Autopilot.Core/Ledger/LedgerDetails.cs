using System.Buffers;
using System.Text.Json;

namespace Autopilot.Core.Ledger;

/// <summary>Small JSON objects for ledger details and hook replies, written without reflection (the native front is trimmed).</summary>
internal static class LedgerDetails
{
    /// <summary>A JSON object of string fields, in the order given; null values are left out.</summary>
    public static JsonElement Object(params (string Name, string? Value)[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                if (value is not null)
                {
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
