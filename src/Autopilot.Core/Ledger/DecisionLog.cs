using System.Text.Json;
using Autopilot.Core.Secrets;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Ledger;

/// <summary>
/// The decision log (issue 14): decision records kept as ordinary ledger entries. A decision that no other entry
/// records is appended as an entry of kind <c>decision</c>; one that already has its entry (a recorded transition,
/// an escalation) carries the record in that entry's details, so recording costs no second append. Either way the
/// record is the entry's <c>details.decision</c>:
/// <code>
/// {"v":1, "question":"command", "verdict":"deny", "shadowVerdict":"deny",
///  "policy":{"digest":"…sha256…", "origin":"policies/team.policy.yaml"},
///  "rules":[{"id":"rm-rf", "severity":"deny", "enforcement":"enforce", "file":"policies/team.policy.yaml", "line":12, "message":"…"}],
///  "shadow":[{"id":"new-rule", "severity":"deny", "enforcement":"shadow", "intended":"deny", "file":"…", "line":40, "message":"…"}],
///  "facts":{"command":"rm -rf build", "cwd":"/repo", "level":"execute_safe", "phase":"implement"}}
/// </code>
/// Warn findings have <c>"enforcement":"warn"</c> and their would-be severity in <c>"intended"</c>.
/// </summary>
public static class DecisionLog
{
    public const string DetailsProperty = "decision";

    /// <summary>Appends <paramref name="record"/> as a <c>decision</c> entry: the one writer every front end records through.</summary>
    public static LedgerAppendResult Record(ILedgerStore ledger, string actor, DecisionRecord record) =>
        Record(ledger, actor, record, LedgerEntryKind.Decision);

    /// <summary>
    /// Appends <paramref name="record"/> as an entry of <paramref name="kind"/>: a decision that is an event of its own in
    /// the task's history (an escalation the caller asked to record), written the same way as every other record.
    /// </summary>
    public static LedgerAppendResult Record(ILedgerStore ledger, string actor, DecisionRecord record, LedgerEntryKind kind)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.Append(ToAppend(record, actor, kind));
    }

    /// <summary>The entry that records a decision nothing else records.</summary>
    public static LedgerAppend ToAppend(DecisionRecord record, string actor) => ToAppend(record, actor, LedgerEntryKind.Decision);

    private static LedgerAppend ToAppend(DecisionRecord record, string actor, LedgerEntryKind kind)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Attach(new LedgerAppend
        {
            Actor = actor,
            Kind = kind,
            Task = record.Facts.Task,
            FromPhase = record.Facts.From ?? record.Facts.Phase,
            ToPhase = record.Facts.To,
            Verdict = record.Verdict,
            RuleIds = record.Rules.Select(r => r.Id).Distinct(StringComparer.Ordinal).ToArray(),
            PolicyHash = record.PolicyDigest,
        }, record);
    }

    /// <summary>An entry that already records the decision, with the record added to its details (one append, not two).</summary>
    public static LedgerAppend Attach(LedgerAppend append, DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(append);
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (append.Details is { ValueKind: JsonValueKind.Object } details)
            {
                foreach (var property in details.EnumerateObject())
                {
                    if (property.Name != DetailsProperty)
                    {
                        property.WriteTo(w);
                    }
                }
            }

            w.WritePropertyName(DetailsProperty);
            Write(w, record);
            w.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return append with { Details = document.RootElement.Clone() };
    }

    /// <summary>The decision records among <paramref name="entries"/>, in order. Records that do not parse are reported through <paramref name="problems"/>.</summary>
    public static IEnumerable<LoggedDecision> Read(IEnumerable<LedgerEntry> entries, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (entry.Details is not { ValueKind: JsonValueKind.Object } details || !details.TryGetProperty(DetailsProperty, out var element))
            {
                continue;
            }

            DecisionRecord? record = null;
            try
            {
                record = Parse(element);
            }
            catch (FormatException ex)
            {
                problems?.Add($"ledger sequence {entry.Sequence}: the decision record cannot be read: {ex.Message}");
            }

            if (record is not null)
            {
                yield return new LoggedDecision(entry, record);
            }
        }
    }

    /// <summary>Writes the record's JSON object.</summary>
    public static void Write(Utf8JsonWriter w, DecisionRecord record)
    {
        w.WriteStartObject();
        w.WriteNumber("v", DecisionRecord.CurrentVersion);
        w.WriteString("question", record.Question);
        w.WriteString("verdict", record.Verdict.ToWire());
        w.WriteString("shadowVerdict", record.ShadowVerdict.ToWire());
        w.WriteStartObject("policy");
        w.WriteString("digest", record.PolicyDigest);
        if (record.PolicyOrigin is not null)
        {
            w.WriteString("origin", record.PolicyOrigin);
        }

        w.WriteEndObject();
        WriteRules(w, "rules", record.Rules);
        WriteRules(w, "shadow", record.Shadow);
        w.WritePropertyName("facts");
        WriteFacts(w, record.Facts);
        w.WriteEndObject();
    }

    private static void WriteRules(Utf8JsonWriter w, string name, IReadOnlyList<DecisionRule> rules)
    {
        w.WriteStartArray(name);
        foreach (var rule in rules)
        {
            w.WriteStartObject();
            w.WriteString("id", rule.Id);
            w.WriteString("severity", rule.Severity.ToWire());
            w.WriteString("enforcement", rule.Enforcement.ToWire());
            if (rule.Intended is { } intended)
            {
                w.WriteString("intended", intended.ToWire());
            }

            if (rule.File is not null)
            {
                w.WriteString("file", rule.File);
                w.WriteNumber("line", rule.Line);
            }

            w.WriteString("message", rule.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteFacts(Utf8JsonWriter w, DecisionFacts f)
    {
        w.WriteStartObject();
        Optional(w, "command", f.Command);
        Optional(w, "cwd", f.WorkingDirectory);
        Optional(w, "repo", f.Repository);
        Optional(w, "level", f.Level);
        Optional(w, "risk", f.Risk);
        Optional(w, "phase", f.Phase);
        Optional(w, "tool", f.Tool);
        if (f.ToolInput is { } input)
        {
            w.WritePropertyName("toolInput");
            input.WriteTo(w);
        }

        Optional(w, "path", f.Path);
        Optional(w, "op", f.Operation);
        Optional(w, "task", f.Task);
        Optional(w, "from", f.From);
        Optional(w, "to", f.To);
        Optional(w, "evidenceRoot", f.EvidenceRoot);
        if (f.Evidence is { Count: > 0 } evidence)
        {
            w.WriteStartObject("evidence");
            foreach (var pair in evidence.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(pair.Key, pair.Value);
            }

            w.WriteEndObject();
        }

        Optional(w, "range", f.Range);
        Optional(w, "diffSha256", f.DiffSha256);
        if (f.Signals is { Count: > 0 } signals)
        {
            w.WriteStartObject("signals");
            foreach (var pair in signals.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(pair.Key, pair.Value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Reads a record written by <see cref="Write"/>. Throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static DecisionRecord Parse(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"a decision record must be an object, found {e.ValueKind}");
        }

        if (!e.TryGetProperty("v", out var v) || !v.TryGetInt32(out var version) || version != DecisionRecord.CurrentVersion)
        {
            throw new FormatException($"unknown decision record version (this tool reads v{DecisionRecord.CurrentVersion})");
        }

        var policy = e.TryGetProperty("policy", out var p) && p.ValueKind == JsonValueKind.Object ? p : throw new FormatException("missing 'policy'");
        return new DecisionRecord
        {
            Question = Required(e, "question"),
            Verdict = VerdictOf(Required(e, "verdict")),
            ShadowVerdict = Optional(e, "shadowVerdict") is { } sv ? VerdictOf(sv) : VerdictOf(Required(e, "verdict")),
            PolicyDigest = Required(policy, "digest"),
            PolicyOrigin = Optional(policy, "origin"),
            Rules = ReadRules(e, "rules"),
            Shadow = ReadRules(e, "shadow"),
            Facts = e.TryGetProperty("facts", out var facts) && facts.ValueKind == JsonValueKind.Object ? ReadFacts(facts) : new DecisionFacts(),
        };
    }

    private static IReadOnlyList<DecisionRule> ReadRules(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var list))
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"'{name}' must be an array");
        }

        var rules = new List<DecisionRule>(list.GetArrayLength());
        foreach (var r in list.EnumerateArray())
        {
            var enforcement = EnforcementExtensions.FromWire(Optional(r, "enforcement") ?? "enforce") ?? throw new FormatException($"unknown enforcement '{Optional(r, "enforcement")}'");
            var line = r.TryGetProperty("line", out var l) && l.TryGetInt32(out var n) ? n : 0;
            rules.Add(new DecisionRule(Required(r, "id"), SeverityOf(Required(r, "severity")), enforcement,
                Optional(r, "intended") is { } intended ? SeverityOf(intended) : null, Optional(r, "file"), line, Optional(r, "message") ?? ""));
        }

        return rules;
    }

    private static DecisionFacts ReadFacts(JsonElement f) => new()
    {
        Command = Optional(f, "command"),
        WorkingDirectory = Optional(f, "cwd"),
        Repository = Optional(f, "repo"),
        Level = Optional(f, "level"),
        Risk = Optional(f, "risk"),
        Phase = Optional(f, "phase"),
        Tool = Optional(f, "tool"),
        ToolInput = f.TryGetProperty("toolInput", out var input) ? input.Clone() : null,
        Path = Optional(f, "path"),
        Operation = Optional(f, "op"),
        Task = Optional(f, "task"),
        From = Optional(f, "from"),
        To = Optional(f, "to"),
        EvidenceRoot = Optional(f, "evidenceRoot"),
        Evidence = f.TryGetProperty("evidence", out var ev) && ev.ValueKind == JsonValueKind.Object
            ? ev.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? "", StringComparer.Ordinal)
            : null,
        Range = Optional(f, "range"),
        DiffSha256 = Optional(f, "diffSha256"),
        Signals = f.TryGetProperty("signals", out var s) && s.ValueKind == JsonValueKind.Object
            ? s.EnumerateObject().Where(x => x.Value.ValueKind == JsonValueKind.Number).ToDictionary(x => x.Name, x => x.Value.GetDouble(), StringComparer.Ordinal)
            : null,
    };

    /// <summary>A JSON value with every string masked by the secret detectors (tool inputs hold commands, file contents, URLs).</summary>
    public static JsonElement MaskJson(JsonElement value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteMasked(w, value, 0);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteMasked(Utf8JsonWriter w, JsonElement value, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when depth < 32:
                w.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    w.WritePropertyName(property.Name);
                    WriteMasked(w, property.Value, depth + 1);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array when depth < 32:
                w.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteMasked(w, item, depth + 1);
                }

                w.WriteEndArray();
                break;
            case JsonValueKind.String:
                w.WriteStringValue(SecretDetectors.Mask(value.GetString()!));
                break;
            case JsonValueKind.Object or JsonValueKind.Array:
                w.WriteStringValue("(nested too deep: not recorded)");
                break;
            default:
                value.WriteTo(w);
                break;
        }
    }

    private static string Required(JsonElement e, string name) => Optional(e, name) ?? throw new FormatException($"missing '{name}'");

    private static string? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Verdict VerdictOf(string wire) => wire switch
    {
        "allow" => Verdict.Allow,
        "escalate" => Verdict.Escalate,
        "deny" => Verdict.Deny,
        _ => throw new FormatException($"unknown verdict '{wire}'"),
    };

    private static Severity SeverityOf(string wire) => wire switch
    {
        "info" => Severity.Info,
        "warning" => Severity.Warning,
        "escalate" => Severity.Escalate,
        "deny" => Severity.Deny,
        _ => throw new FormatException($"unknown severity '{wire}'"),
    };
}
