using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Ledger;

/// <summary>
/// The bytes an entry's hash is taken over. The canonical form of a JSON value is:
/// <list type="bullet">
/// <item>UTF-8, no whitespace between tokens;</item>
/// <item>object members sorted by name (ordinal comparison of UTF-16 code units), and for the
/// entry itself the top-level <c>"hash"</c> member left out;</item>
/// <item>strings with <c>"</c> and <c>\</c> escaped as <c>\"</c> and <c>\\</c>, U+0000–U+001F as
/// <c>\b \t \n \f \r</c> or <c>\u00xx</c> (lower-case hex), every other character as raw UTF-8;</item>
/// <item>numbers as their literal text; <c>true</c>, <c>false</c>, <c>null</c>; arrays in order.</item>
/// </list>
/// <c>hash = lower-hex(SHA-256(canonical form of the entry without "hash"))</c>; the entry's
/// <c>prevHash</c> is part of that form, which is what chains the entries.
/// The writer never emits null or empty optional members (they are left out), so a line's canonical
/// form is exactly the line without its trailing <c>,"hash":"…"</c>. Verification does not rely on
/// that: it parses each line and recomputes the form, so a re-indented line still verifies and an
/// edited value never does.
/// </summary>
internal static class LedgerCanonicalForm
{
    private static readonly byte[] s_hex = "0123456789abcdef"u8.ToArray();

    /// <summary>SHA-256 of the canonical form of <paramref name="entry"/> (an entry object), ignoring its "hash" member.</summary>
    public static string ComputeHash(JsonElement entry, ByteBuffer scratch)
    {
        scratch.Clear();
        WriteValue(entry, scratch, skipHash: true);
        return HashHex(scratch.WrittenSpan);
    }

    public static string HashHex(ReadOnlySpan<byte> canonical)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonical, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Writes any JSON value in canonical form.</summary>
    /// <remarks>
    /// Hot for entries with details, so it works on the raw UTF-8 of the parsed document where that
    /// is already canonical (numbers; strings and names without a backslash, since raw JSON text holds
    /// no control characters or bare quotes) and only decodes what carries escapes.
    /// </remarks>
    public static void WriteValue(JsonElement value, ByteBuffer output, bool skipHash = false)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(value, output, skipHash);
                break;
            case JsonValueKind.Array:
                output.Write((byte)'[');
                bool first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write((byte)',');
                    }

                    first = false;
                    WriteValue(item, output);
                }

                output.Write((byte)']');
                break;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value);
                if (raw.IndexOf((byte)'\\') < 0)
                {
                    output.Write(raw);
                }
                else
                {
                    WriteString(value.GetString()!, output);
                }

                break;
            case JsonValueKind.Number:
                output.Write(JsonMarshal.GetRawUtf8Value(value));
                break;
            case JsonValueKind.True:
                output.Write("true"u8);
                break;
            case JsonValueKind.False:
                output.Write("false"u8);
                break;
            default:
                output.Write("null"u8);
                break;
        }
    }

    private static void WriteObject(JsonElement value, ByteBuffer output, bool skipHash)
    {
        var members = ArrayPool<JsonProperty>.Shared.Rent(16);
        int count = 0;
        bool plainNames = true;
        foreach (var member in value.EnumerateObject())
        {
            if (skipHash && member.NameEquals("hash"u8))
            {
                continue;
            }

            if (count == members.Length)
            {
                var larger = ArrayPool<JsonProperty>.Shared.Rent(count * 2);
                members.AsSpan(0, count).CopyTo(larger);
                ArrayPool<JsonProperty>.Shared.Return(members, clearArray: true);
                members = larger;
            }

            members[count++] = member;
            plainNames &= IsPlainAscii(JsonMarshal.GetRawUtf8PropertyName(member));
        }

        var span = members.AsSpan(0, count);
        if (plainNames)
        {
            // ASCII bytes order exactly as UTF-16 code units do.
            span.Sort(static (a, b) => JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b)));
        }
        else
        {
            span.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        }

        output.Write((byte)'{');
        for (int i = 0; i < span.Length; i++)
        {
            if (i > 0)
            {
                output.Write((byte)',');
            }

            if (plainNames)
            {
                output.Write((byte)'"');
                output.Write(JsonMarshal.GetRawUtf8PropertyName(span[i]));
                output.Write((byte)'"');
            }
            else
            {
                WriteString(span[i].Name, output);
            }

            output.Write((byte)':');
            WriteValue(span[i].Value, output);
        }

        output.Write((byte)'}');
        ArrayPool<JsonProperty>.Shared.Return(members, clearArray: true);
    }

    private static bool IsPlainAscii(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            if (b is >= 0x80 or (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A JSON string in canonical escaping. Unpaired surrogates become U+FFFD (as UTF-8 encoding does).</summary>
    public static void WriteString(string value, ByteBuffer output)
    {
        output.Write((byte)'"');
        if (!NeedsEscaping(value))
        {
            int max = Encoding.UTF8.GetMaxByteCount(value.Length);
            int written = Encoding.UTF8.GetBytes(value, output.GetSpan(max));
            output.Advance(written);
        }
        else
        {
            WriteEscaped(value, output);
        }

        output.Write((byte)'"');
    }

    public static void WriteInt64(long value, ByteBuffer output)
    {
        Utf8Formatter.TryFormat(value, output.GetSpan(20), out int written);
        output.Advance(written);
    }

    /// <summary>UTC round-trip form with seven fractional digits: 2025-01-31T12:00:00.0000000Z.</summary>
    public static void WriteTime(DateTimeOffset time, ByteBuffer output)
    {
        output.Write((byte)'"');
        time.UtcDateTime.TryFormat(output.GetSpan(40), out int written, "O", System.Globalization.CultureInfo.InvariantCulture);
        output.Advance(written);
        output.Write((byte)'"');
    }

    private static bool NeedsEscaping(string value)
    {
        foreach (char c in value)
        {
            if (c < 0x20 || c == '"' || c == '\\')
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteEscaped(string value, ByteBuffer output)
    {
        Span<byte> utf8 = stackalloc byte[4];
        int i = 0;
        while (i < value.Length)
        {
            char c = value[i];
            switch (c)
            {
                case '"': output.Write("\\\""u8); i++; continue;
                case '\\': output.Write("\\\\"u8); i++; continue;
                case '\b': output.Write("\\b"u8); i++; continue;
                case '\t': output.Write("\\t"u8); i++; continue;
                case '\n': output.Write("\\n"u8); i++; continue;
                case '\f': output.Write("\\f"u8); i++; continue;
                case '\r': output.Write("\\r"u8); i++; continue;
            }

            if (c < 0x20)
            {
                output.Write("\\u00"u8);
                output.Write(s_hex[c >> 4]);
                output.Write(s_hex[c & 0xF]);
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                consumed = 1;
            }

            int length = rune.EncodeToUtf8(utf8);
            output.Write(utf8[..length]);
            i += consumed;
        }
    }
}
