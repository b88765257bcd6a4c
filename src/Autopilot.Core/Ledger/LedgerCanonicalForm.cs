using System.Buffers.Text;
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
    public static void WriteValue(JsonElement value, ByteBuffer output, bool skipHash = false)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<JsonProperty>();
                foreach (var member in value.EnumerateObject())
                {
                    if (!(skipHash && member.NameEquals("hash"u8)))
                    {
                        members.Add(member);
                    }
                }

                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Write((byte)'{');
                for (int i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Write((byte)',');
                    }

                    WriteString(members[i].Name, output);
                    output.Write((byte)':');
                    WriteValue(members[i].Value, output);
                }

                output.Write((byte)'}');
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
                WriteString(value.GetString()!, output);
                break;
            case JsonValueKind.Number:
                WriteAscii(value.GetRawText(), output);
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

    private static void WriteAscii(string text, ByteBuffer output)
    {
        Span<byte> span = output.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }
}
