using System.Text;
using System.Text.Json;

namespace Autopilot.Core.Ledger;

/// <summary>
/// The last entry's sequence and hash, as head.json records it after every committed batch. It is
/// the anchor that makes truncation visible: a ledger that ends before the head lost entries.
/// </summary>
/// <remarks>
/// Trade-off: head.json is rewritten in place (one fixed-size pwrite, no fsync, no rename), so it
/// costs a few microseconds per batch instead of a second fsync. After a power cut it may lag the
/// ledger (the ledger is fsynced first), never lead it, and a lagging head still anchors everything
/// up to it. It lives next to the ledger, so someone who can cut the ledger can also rewrite the
/// head: against that, keep a checkpoint hash elsewhere and pass it as <c>expectHead</c>.
/// </remarks>
public sealed record LedgerHead(long Sequence, string Hash)
{
    /// <summary>Fixed size of head.json, so an update overwrites the same bytes and never grows the file.</summary>
    internal const int RecordSize = 128;

    public static LedgerHead Empty { get; } = new(0, LedgerEntry.GenesisHash);

    internal byte[] ToRecord()
    {
        var record = new byte[RecordSize];
        record.AsSpan().Fill((byte)' ');
        Encoding.ASCII.GetBytes($"{{\"sequence\":{Sequence},\"hash\":\"{Hash}\"}}", record);
        record[^1] = (byte)'\n';
        return record;
    }

    /// <summary>Reads a head record; null when it is empty or not a head.</summary>
    internal static LedgerHead? TryParse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("sequence", out var sequence) && sequence.TryGetInt64(out long value) && value >= 0
                && root.TryGetProperty("hash", out var hash) && Storage.DurableFile.IsSha256Hex(hash.GetString()))
            {
                return new LedgerHead(value, hash.GetString()!);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
