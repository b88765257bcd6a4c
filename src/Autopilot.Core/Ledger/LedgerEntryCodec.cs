using System.Globalization;
using System.Text.Json;
using Autopilot.Core.Storage;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Ledger;

/// <summary>Turns entries into ledger lines and lines back into entries.</summary>
internal static class LedgerEntryCodec
{
    /// <summary>
    /// Writes the entry's canonical form (members already in sorted order, see
    /// <see cref="LedgerCanonicalForm"/>) to <paramref name="output"/>, hashes it, then turns it into
    /// the stored line by adding <c>,"hash":"…"}</c> and a newline. Returns the hash.
    /// </summary>
    public static string WriteLine(LedgerAppend draft, long sequence, DateTimeOffset time, string prevHash, ByteBuffer output)
    {
        int start = output.Length;
        output.Write("{\"actor\":"u8);
        LedgerCanonicalForm.WriteString(draft.Actor, output);
        if (draft.Details is { } details)
        {
            output.Write(",\"details\":"u8);
            LedgerCanonicalForm.WriteValue(details, output);
        }

        if (draft.Evidence.Count > 0)
        {
            output.Write(",\"evidence\":{"u8);
            bool first = true;
            foreach (var name in SortedKeys(draft.Evidence))
            {
                if (!first)
                {
                    output.Write((byte)',');
                }

                first = false;
                LedgerCanonicalForm.WriteString(name, output);
                output.Write((byte)':');
                LedgerCanonicalForm.WriteString(draft.Evidence[name], output);
            }

            output.Write((byte)'}');
        }

        WriteOptional(",\"from\":"u8, draft.FromPhase, output);
        WriteOptional(",\"idempotencyKey\":"u8, draft.IdempotencyKey, output);
        output.Write(",\"kind\":"u8);
        LedgerCanonicalForm.WriteString(draft.Kind.ToWire(), output);
        WriteOptional(",\"policyHash\":"u8, draft.PolicyHash, output);
        output.Write(",\"prevHash\":"u8);
        LedgerCanonicalForm.WriteString(prevHash, output);
        if (draft.RuleIds.Count > 0)
        {
            output.Write(",\"ruleIds\":["u8);
            for (int i = 0; i < draft.RuleIds.Count; i++)
            {
                if (i > 0)
                {
                    output.Write((byte)',');
                }

                LedgerCanonicalForm.WriteString(draft.RuleIds[i], output);
            }

            output.Write((byte)']');
        }

        output.Write(",\"sequence\":"u8);
        LedgerCanonicalForm.WriteInt64(sequence, output);
        WriteOptional(",\"task\":"u8, draft.Task, output);
        output.Write(",\"time\":"u8);
        LedgerCanonicalForm.WriteTime(time, output);
        WriteOptional(",\"to\":"u8, draft.ToPhase, output);
        if (draft.Verdict is { } verdict)
        {
            output.Write(",\"verdict\":"u8);
            LedgerCanonicalForm.WriteString(verdict.ToWire(), output);
        }

        output.Write((byte)'}');

        string hash = LedgerCanonicalForm.HashHex(output.WrittenSpan[start..]);

        output.Truncate(output.Length - 1);
        output.Write(",\"hash\":\""u8);
        System.Text.Encoding.ASCII.GetBytes(hash, output.GetSpan(64));
        output.Advance(64);
        output.Write("\"}\n"u8);
        return hash;
    }

    private static void WriteOptional(ReadOnlySpan<byte> name, string? value, ByteBuffer output)
    {
        if (value is not null)
        {
            output.Write(name);
            LedgerCanonicalForm.WriteString(value, output);
        }
    }

    private static IEnumerable<string> SortedKeys(IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 1)
        {
            return map.Keys;
        }

        var keys = map.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    /// <summary>Parses one line (without its newline). Throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static LedgerEntry Parse(ReadOnlyMemory<byte> line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            return FromElement(document.RootElement);
        }
    }

    /// <summary>Reads an entry object; the details element is cloned so the document may be disposed.</summary>
    public static LedgerEntry FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"an entry must be a JSON object, found {root.ValueKind}");
        }

        string kindText = RequiredString(root, "kind");
        if (!LedgerEntryKindExtensions.TryParse(kindText, out var kind))
        {
            throw new FormatException($"unknown kind '{kindText}'");
        }

        Verdict? verdict = OptionalString(root, "verdict") switch
        {
            null => null,
            "allow" => Verdict.Allow,
            "escalate" => Verdict.Escalate,
            "deny" => Verdict.Deny,
            var other => throw new FormatException($"unknown verdict '{other}'"),
        };

        if (!root.TryGetProperty("sequence", out var sequenceElement) || !sequenceElement.TryGetInt64(out long sequence))
        {
            throw new FormatException("missing or non-integer 'sequence'");
        }

        string timeText = RequiredString(root, "time");
        if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            throw new FormatException($"'time' is not an ISO-8601 time: '{timeText}'");
        }

        IReadOnlyList<string> ruleIds = [];
        if (root.TryGetProperty("ruleIds", out var rules))
        {
            if (rules.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("'ruleIds' must be an array of strings");
            }

            var list = new List<string>(rules.GetArrayLength());
            foreach (var rule in rules.EnumerateArray())
            {
                list.Add(rule.ValueKind == JsonValueKind.String ? rule.GetString()! : throw new FormatException("'ruleIds' must be an array of strings"));
            }

            ruleIds = list;
        }

        IReadOnlyDictionary<string, string> evidence = LedgerEntry.NoEvidence;
        if (root.TryGetProperty("evidence", out var evidenceElement))
        {
            if (evidenceElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("'evidence' must be an object of name → sha256");
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in evidenceElement.EnumerateObject())
            {
                map[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : throw new FormatException($"evidence '{item.Name}' must be a hash string");
            }

            evidence = map;
        }

        JsonElement? details = null;
        if (root.TryGetProperty("details", out var detailsElement))
        {
            details = detailsElement.Clone();
        }

        return new LedgerEntry
        {
            Sequence = sequence,
            Time = time.ToUniversalTime(),
            Actor = RequiredString(root, "actor"),
            Kind = kind,
            Task = OptionalString(root, "task"),
            FromPhase = OptionalString(root, "from"),
            ToPhase = OptionalString(root, "to"),
            Verdict = verdict,
            RuleIds = ruleIds,
            PolicyHash = OptionalString(root, "policyHash"),
            Evidence = evidence,
            IdempotencyKey = OptionalString(root, "idempotencyKey"),
            Details = details,
            PrevHash = RequiredString(root, "prevHash"),
            Hash = RequiredString(root, "hash"),
        };
    }

    private static string RequiredString(JsonElement root, string name) =>
        OptionalString(root, name) ?? throw new FormatException($"missing '{name}'");

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"'{name}' must be a string");
    }
}
