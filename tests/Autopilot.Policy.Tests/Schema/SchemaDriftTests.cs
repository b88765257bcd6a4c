using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;

namespace Autopilot.Policy.Tests.Schema;

/// <summary>
/// Keeps policy.schema.json and the loader (DocumentBinder) from drifting apart silently.
/// <para>
/// The loader is the authority, and it says what it knows in its own words: an unknown key is reported
/// (AP1004) with "Known keys: a, b, c." when nothing is close, and a bad word (AP1006) with
/// "must be one of a, b, c". So each probe puts a nonsense key (or word) into one section of an
/// otherwise clean policy, reads the loader's list back, and compares it with the schema's property
/// names (or enum) for that section. That checks both directions at once: a key the binder learns and the
/// schema lacks fails, and so does a schema key the binder does not accept.
/// </para>
/// <para>
/// A probe list can itself go stale, so a third test walks the schema: every closed object
/// (additionalProperties: false) and every enum-valued property must have a probe. Adding a section to
/// the schema without a probe, or a probe for a section the schema lost, fails.
/// </para>
/// </summary>
public sealed class SchemaDriftTests
{
    private const string NonsenseKey = "qqqzzzxxxkkk";
    private const string NonsenseWord = "qqqzzzxxxkkk";

    /// <summary>A clean policy with every section present once, so that a probe can reach any of them.</summary>
    internal static JsonObject BasePolicy() => (JsonObject)JsonNode.Parse("""
        {
          "apiVersion": "autopilot/v1",
          "metadata": { "name": "probe", "version": "1", "description": "d" },
          "riskLevels": ["none", "low", "medium", "high", "critical"],
          "phases": [ { "id": "a", "evidence": ["e"], "tools": ["Read"], "attestation": "warning", "requiresLease": false }, "b" ],
          "transitions": {
            "mode": "sequential",
            "edges": [ { "from": "a", "to": "b" } ],
            "skip": { "id": "S", "verdict": "deny", "message": "m" },
            "backtrack": { "id": "B" }, "missingEvidence": { "id": "M" }, "invalidEvidence": { "id": "I" },
            "unknownPhase": { "id": "U" }, "samePhase": { "id": "P" }
          },
          "evidence": { "root": "state/evidence", "items": [ { "id": "e", "path": "e.json", "schema": { "type": "object" }, "check": { "kind": "non-empty" } } ] },
          "autonomy": {
            "default": "l", "promoteAfterSuccesses": 1, "demoteAfterFailures": 1,
            "levels": [ { "id": "l", "allowUpTo": "low", "escalateUpTo": "high" } ],
            "aboveLevel": { "id": "AE" }, "farAboveLevel": { "id": "AD" }
          },
          "actions": { "mode": "allowlist", "defaultRisk": "low", "allowlist": [ { "program": "git", "subcommands": ["status"] } ] },
          "risks": [ { "id": "R", "risk": "low", "message": "m",
                       "command": { "programs": ["rm"], "contexts": ["pipeline"], "argAt": { "index": 0, "globs": ["x"] }, "pathArgs": "outside",
                                    "not": { "programs": ["ls"] } },
                       "path": { "globs": ["*.txt"], "ops": ["write"] },
                       "tool": { "names": ["T"] },
                       "effect": { "kinds": ["remote.destroy"], "targets": ["unknown"], "methods": ["DELETE"], "hosts": ["remote"] } } ],
          "escalation": [ { "id": "E", "severity": "escalate", "message": "m", "condition": { "signal": "retries", "op": ">", "value": 1 } } ],
          "failures": { "maxRetries": 2, "retryUnknown": false, "classes": [ { "id": "F", "retry": true } ] },
          "tools": { "always": ["TodoWrite"], "notAllowed": { "id": "T" } },
          "attestation": { "defaultDrift": "warning", "ruleId": "AT", "message": "m" },
          "diff": [ { "id": "D", "kind": "max-files", "severity": "deny", "max": 5 } ],
          "exceptions": [ { "id": "X", "rule": "R", "paths": ["a/**"], "commands": ["rm *"], "tools": ["Bash"], "tasks": ["T-1"], "owner": "o", "reason": "r", "expires": "2099-01-01" } ]
        }
        """)!;

    /// <summary>Closed objects of the schema (JSON pointer) and a place in <see cref="BasePolicy"/> where the loader binds them.</summary>
    public static TheoryData<string, string> KeyProbes() => new()
    {
        { "#", "" },
        { "#/properties/metadata", "metadata" },
        { "#/properties/transitions", "transitions" },
        { "#/properties/evidence", "evidence" },
        { "#/properties/autonomy", "autonomy" },
        { "#/properties/actions", "actions" },
        { "#/properties/failures", "failures" },
        { "#/properties/tools", "tools" },
        { "#/properties/attestation", "attestation" },
        { "#/definitions/phaseDef", "phases/0" },
        { "#/definitions/transitionEdge", "transitions/edges/0" },
        // Every place an outcome rule is bound, since each is a separate call in the binder.
        { "#/definitions/outcomeRule", "transitions/skip" },
        { "#/definitions/outcomeRule", "transitions/backtrack" },
        { "#/definitions/outcomeRule", "transitions/missingEvidence" },
        { "#/definitions/outcomeRule", "transitions/invalidEvidence" },
        { "#/definitions/outcomeRule", "transitions/unknownPhase" },
        { "#/definitions/outcomeRule", "transitions/samePhase" },
        { "#/definitions/outcomeRule", "autonomy/aboveLevel" },
        { "#/definitions/outcomeRule", "autonomy/farAboveLevel" },
        { "#/definitions/outcomeRule", "tools/notAllowed" },
        { "#/definitions/evidenceItem", "evidence/items/0" },
        { "#/definitions/evidenceCheck/anyOf/1", "evidence/items/0/check" },
        { "#/definitions/autonomyLevel", "autonomy/levels/0" },
        { "#/definitions/allowedProgram/anyOf/1", "actions/allowlist/0" },
        { "#/definitions/riskRule", "risks/0" },
        { "#/definitions/commandMatch", "risks/0/command" },
        { "#/definitions/commandMatch", "risks/0/command/not" },
        { "#/definitions/argAtMatch", "risks/0/command/argAt" },
        { "#/definitions/pathMatch", "risks/0/path" },
        { "#/definitions/toolMatch", "risks/0/tool" },
        { "#/definitions/effectMatch", "risks/0/effect" },
        { "#/definitions/escalationRule", "escalation/0" },
        { "#/definitions/condition", "escalation/0/condition" },
        { "#/definitions/failureClass", "failures/classes/0" },
        { "#/definitions/diffRule", "diff/0" },
        { "#/definitions/policyException", "exceptions/0" },
        { "#/properties/base", "base" },
    };

    /// <summary>Enum-valued properties of the schema (closed object pointer, property) and the place the loader reads that word.</summary>
    public static TheoryData<string, string, string> WordProbes() => new()
    {
        { "#", "apiVersion", "apiVersion" },
        { "#/properties/transitions", "mode", "transitions/mode" },
        { "#/properties/actions", "mode", "actions/mode" },
        { "#/properties/attestation", "defaultDrift", "attestation/defaultDrift" },
        { "#/definitions/phaseDef", "attestation", "phases/0/attestation" },
        { "#/definitions/outcomeRule", "verdict", "transitions/skip/verdict" },
        { "#/definitions/evidenceItem", "check", "evidence/items/0/check" },
        { "#/definitions/evidenceCheck/anyOf/1", "kind", "evidence/items/0/check/kind" },
        { "#/definitions/commandMatch", "contexts", "risks/0/command/contexts/0" },
        { "#/definitions/commandMatch", "pathArgs", "risks/0/command/pathArgs" },
        { "#/definitions/pathMatch", "ops", "risks/0/path/ops/0" },
        { "#/definitions/effectMatch", "kinds", "risks/0/effect/kinds/0" },
        { "#/definitions/effectMatch", "targets", "risks/0/effect/targets/0" },
        { "#/definitions/effectMatch", "methods", "risks/0/effect/methods/0" },
        { "#/definitions/effectMatch", "hosts", "risks/0/effect/hosts/0" },
        { "#/definitions/condition", "signal", "escalation/0/condition/signal" },
        { "#/definitions/condition", "op", "escalation/0/condition/op" },
        { "#/definitions/escalationRule", "severity", "escalation/0/severity" },
        { "#/definitions/diffRule", "kind", "diff/0/kind" },
        { "#/definitions/diffRule", "severity", "diff/0/severity" },
        { "#/definitions/riskRule", "enforcement", "risks/0/enforcement" },
        { "#/definitions/diffRule", "enforcement", "diff/0/enforcement" },
        { "#/definitions/escalationRule", "enforcement", "escalation/0/enforcement" },
    };

    [Fact]
    public void Base_policy_is_clean_for_both_loader_and_schema()
    {
        var yaml = PolicyJson.ToYaml(BasePolicy());
        Assert.Empty(PolicyLoader.LoadText(yaml, "base.policy.yaml").Diagnostics);
        var errors = PolicyJson.Validate(PolicyJson.YamlToJson(yaml));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(KeyProbes))]
    public void Schema_keys_equal_the_loader_keys(string schemaPointer, string where)
    {
        var policy = BasePolicy();
        if (where == "base")
        {
            // Not in the base policy: a file with a base is an overlay, which may leave out what the base defines.
            policy["base"] = new JsonObject { ["path"] = "org.policy.yaml" };
        }

        var section = where.Length == 0 ? policy : (JsonObject)Get(policy, where)!;
        section[NonsenseKey] = 1;

        var diagnostics = PolicyLoader.LoadText(PolicyJson.ToYaml(policy), "probe.policy.yaml").Diagnostics;
        var unknown = Assert.Single(diagnostics);
        Assert.Equal(PolicyDiagnosticIds.UnknownKey, unknown.Id);
        var match = Regex.Match(unknown.Message, @"Known keys: (?<keys>.*)\.$");
        Assert.True(match.Success, unknown.Message);
        var loaderKeys = match.Groups["keys"].Value.Split(", ").Order(StringComparer.Ordinal).ToArray();

        var schemaKeys = ((JsonObject)Resolve(schemaPointer)["properties"]!).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(loaderKeys, schemaKeys);
        Assert.False(Resolve(schemaPointer)["additionalProperties"]!.GetValue<bool>(), $"{schemaPointer} must reject unknown keys, as the loader does.");
    }

    [Theory]
    [MemberData(nameof(WordProbes))]
    public void Schema_words_equal_the_loader_words(string schemaPointer, string property, string where)
    {
        var policy = BasePolicy();
        Set(policy, where, JsonValue.Create(NonsenseWord));

        var diagnostics = PolicyLoader.LoadText(PolicyJson.ToYaml(policy), "probe.policy.yaml").Diagnostics;
        var invalid = Assert.Single(diagnostics);
        Assert.Equal(PolicyDiagnosticIds.InvalidValue, invalid.Id);
        var match = Regex.Match(invalid.Message, @"must be one of (?<words>.*); found '" + NonsenseWord + "'");
        Assert.True(match.Success, invalid.Message);
        var loaderWords = match.Groups["words"].Value.Split(", ").Order(StringComparer.Ordinal).ToArray();

        var schemaWords = EnumOf(Resolve(schemaPointer)["properties"]![property]!);
        Assert.NotNull(schemaWords);
        Assert.Equal(loaderWords, schemaWords!.Order(StringComparer.Ordinal).ToArray());

        // And the schema itself turns the nonsense word down.
        Assert.NotEmpty(PolicyJson.Validate(PolicyJson.YamlToJson(PolicyJson.ToYaml(policy))));
    }

    [Fact]
    public void Every_closed_object_and_every_word_list_of_the_schema_has_a_probe()
    {
        var closed = new SortedSet<string>(StringComparer.Ordinal);
        var worded = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string pointer)
        {
            if (node is not JsonObject obj)
            {
                return;
            }

            if (obj["properties"] is JsonObject properties && obj["additionalProperties"] is JsonValue)
            {
                closed.Add(pointer);
                foreach (var (name, property) in properties)
                {
                    if (EnumOf(property!) is not null)
                    {
                        worded.Add($"{pointer} {name}");
                    }
                }
            }

            foreach (var (key, child) in obj)
            {
                if (child is JsonArray array)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], $"{pointer}/{key}/{i}");
                    }
                }
                else
                {
                    Walk(child, $"{pointer}/{key}");
                }
            }
        }

        Walk(PolicyJson.SchemaNode, "#");
        Assert.Equal(closed, new SortedSet<string>(KeyProbes().Select(row => (string)row[0]), StringComparer.Ordinal));
        Assert.Equal(worded, new SortedSet<string>(WordProbes().Select(row => $"{row[0]} {row[1]}"), StringComparer.Ordinal));
    }

    /// <summary>
    /// The words a property accepts where the loader reads it as a choice: its own enum, or its
    /// definition's, or those of a scalar/list branch. The yes/no words of <c>flag</c> are not a choice
    /// (the loader reads them as a boolean), so they are left out.
    /// </summary>
    private static string[]? EnumOf(JsonNode schema)
    {
        if (schema is not JsonObject obj)
        {
            return null;
        }

        if (obj["enum"] is JsonArray words)
        {
            return words.Select(w => (string)w!).ToArray();
        }

        if (obj["$ref"] is JsonValue reference)
        {
            var target = (string)reference!;
            return target == "#/definitions/flag" ? null : EnumOf(Resolve(target));
        }

        if (obj["items"] is JsonObject items && obj["properties"] is null)
        {
            return EnumOf(items);
        }

        if (obj["anyOf"] is JsonArray branches)
        {
            var found = branches.Select(b => b is JsonObject { } branch && branch["properties"] is null ? EnumOf(branch) : null)
                .Where(e => e is not null).SelectMany(e => e!).Distinct().ToArray();
            return found.Length == 0 ? null : found;
        }

        return null;
    }

    private static JsonObject Resolve(string pointer)
    {
        JsonNode node = PolicyJson.SchemaNode;
        foreach (var part in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }

        return (JsonObject)node;
    }

    internal static JsonNode? Get(JsonNode root, string where)
    {
        var node = root;
        foreach (var part in where.Split('/'))
        {
            node = node is JsonArray array ? array[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)] : node![part];
        }

        return node;
    }

    /// <summary>Sets the value at a slash path ("risks/0/command/programs"), creating the last key when absent.</summary>
    internal static void Set(JsonObject root, string where, JsonNode? value)
    {
        var slash = where.LastIndexOf('/');
        var parent = slash < 0 ? root : Get(root, where[..slash])!;
        var last = where[(slash + 1)..];
        if (parent is JsonArray array)
        {
            array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            parent[last] = value;
        }
    }
}
