using System.Text.Json.Nodes;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;

namespace Autopilot.Policy.Tests.Schema;

/// <summary>The shipped policies validate against policies/schema/policy.schema.json, and schema and loader agree on edge forms.</summary>
public sealed class PolicySchemaTests
{
    [Fact]
    public void Schema_is_draft_07_and_avoids_keywords_NJsonSchema_ignores()
    {
        var text = File.ReadAllText(PolicyJson.SchemaPath);
        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)PolicyJson.SchemaNode["$schema"]);
        foreach (var keyword in new[] { "const", "if", "then", "else", "contains", "propertyNames", "dependencies" })
        {
            Assert.DoesNotContain($"\"{keyword}\":", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_property_has_a_description()
    {
        var missing = new List<string>();
        void Walk(JsonNode? node, string pointer)
        {
            if (node is not JsonObject obj)
            {
                return;
            }

            // Only the sections' own properties: anyOf branches of a condition restate a described property's shape.
            if (obj["properties"] is JsonObject properties && obj["additionalProperties"] is not null)
            {
                foreach (var (name, property) in properties)
                {
                    if (property is JsonObject p && p["description"] is null)
                    {
                        missing.Add($"{pointer}/properties/{name}");
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
        Assert.Empty(missing);
    }

    [Fact]
    public void Default_policy_validates_against_the_schema()
    {
        var yaml = File.ReadAllText(RepositoryFiles.Path("policies", "default.policy.yaml"));
        Assert.StartsWith("# yaml-language-server: $schema=./schema/policy.schema.json", yaml, StringComparison.Ordinal);
        var errors = PolicyJson.Validate(PolicyJson.YamlToJson(yaml));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    public static TheoryData<string> ExamplePolicies()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryFiles.Path("policies", "examples"), "*.policy.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplePolicies))]
    public void Example_policy_validates_against_the_schema_and_loads_clean(string name)
    {
        var path = RepositoryFiles.Path("policies", "examples", name);
        var yaml = File.ReadAllText(path);
        Assert.StartsWith("# yaml-language-server: $schema=../schema/policy.schema.json", yaml, StringComparison.Ordinal);
        var errors = PolicyJson.Validate(PolicyJson.YamlToJson(yaml));
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        var loaded = Plan.PlanBuilder.Compile(PolicyLoader.LoadFile(path));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        Assert.Empty(loaded.Diagnostics);
    }

    [Fact]
    public void There_are_at_least_two_example_policies()
    {
        Assert.True(ExamplePolicies().Count >= 2);
    }

    [Fact]
    public void Schema_rejects_a_document_the_loader_rejects_and_names_the_place()
    {
        var errors = PolicyJson.Validate(PolicyJson.YamlToJson("phases: [a]\nrisks:\n  - id: R\n    risk: low\n    message: m\n    command: { programz: [rm] }\n"));
        Assert.Contains(errors, e => e.Contains("NoAdditionalPropertiesAllowed", StringComparison.Ordinal) && e.Contains("programz", StringComparison.Ordinal));
    }

    /// <summary>
    /// Forms of the language given as (where, value) over <see cref="SchemaDriftTests.BasePolicy"/>:
    /// the loader's verdict (no structural diagnostic, or the id it reports) and the schema's must agree.
    /// </summary>
    public static TheoryData<string, string, string, string?> Forms() => new()
    {
        // Accepted by both: the convenience forms the binder reads.
        { "a single bare phase name", "phases", "\"solo\"", null },
        { "bare phase names in the list", "phases", "[\"a\", \"b\", {\"id\": \"c\"}]", null },
        { "a scalar where a list of text is expected", "risks/0/command/programs", "\"rm\"", null },
        { "a number where text is expected", "metadata/version", "1.5", null },
        { "a boolean where text is expected", "metadata/name", "true", null },
        { "an empty value for a list of rules", "escalation", "null", null },
        { "an empty value for a list of words", "risks/0/path/ops", "null", null },
        { "a quoted number", "escalation/0/condition/value", "\"3.5\"", null },
        { "a quoted whole number", "autonomy/promoteAfterSuccesses", "\"5\"", null },
        { "yes as a flag", "failures/classes/0/retry", "\"yes\"", null },
        { "off as a flag", "phases/0/requiresLease", "\"off\"", null },
        { "a check as a word", "evidence/items/0/check", "\"tests-passed\"", null },
        { "a check with a threshold", "evidence/items/0/check", "{\"kind\": \"rubric-threshold\", \"threshold\": 4}", null },
        { "a single allowlisted program", "actions/allowlist", "\"git\"", null },
        { "mixed allowlist entries", "actions/allowlist", "[\"ls\", {\"program\": \"git\", \"subcommands\": \"status\"}]", null },
        { "a diff schema given as a file path", "diff/0/schema", "\"schemas/order.json\"", null },
        { "a diff schema given inline", "diff/0/schema", "{\"type\": \"object\"}", null },
        { "error as a severity", "attestation/defaultDrift", "\"error\"", null },
        { "a single flag group of one flag", "risks/0/command/allFlagGroups", "\"-r\"", null },
        { "flag groups mixing lists and single flags", "risks/0/command/allFlagGroups", "[[\"-r\", \"-R\"], \"-f\"]", null },
        { "a single context word", "risks/0/command/contexts", "\"background\"", null },
        { "an escalation rule with only a predicate", "escalation/0", "{\"id\": \"E\", \"message\": \"m\", \"when\": \"facts.signals.retries > 2\"}", null },
        { "program variables", "actions/programVariables", "{\"BIN\": \"./bin/tool\", \"PYTHON\": \"python3\", \"_X2\": \"/opt/x 2/run\"}", null },
        { "no program variables", "actions/programVariables", "null", null },
        { "a nested condition", "escalation/0/condition", "{\"all\": [{\"signal\": \"retries\", \"value\": 1}, {\"any\": [{\"signal\": \"confidence\", \"op\": \"<\", \"value\": 0.5}]}]}", null },

        // Rejected by both.
        { "an unknown key in a command matcher", "risks/0/command/programz", "[\"rm\"]", PolicyDiagnosticIds.UnknownKey },
        { "an unknown top-level key", "phase", "[\"a\"]", PolicyDiagnosticIds.UnknownKey },
        { "a list where text is expected", "metadata/name", "[\"a\"]", PolicyDiagnosticIds.WrongType },
        { "text where a section mapping is expected", "metadata", "\"x\"", PolicyDiagnosticIds.WrongType },
        { "a single mapping where a list of rules is expected", "risks", "{\"id\": \"R\", \"risk\": \"low\", \"message\": \"m\", \"tool\": {\"names\": \"T\"}}", PolicyDiagnosticIds.WrongType },
        { "text where a list of rules is expected", "risks", "\"R\"", PolicyDiagnosticIds.WrongType },
        { "a single mapping where a list of phases is expected", "phases", "{\"id\": \"a\"}", PolicyDiagnosticIds.WrongType },
        { "an empty list of phases", "phases", "[]", PolicyDiagnosticIds.MissingKey },
        { "a phase without id", "phases/0", "{\"description\": \"d\"}", PolicyDiagnosticIds.MissingKey },
        { "a risk rule without message", "risks/0", "{\"id\": \"R\", \"risk\": \"low\", \"tool\": {\"names\": \"T\"}}", PolicyDiagnosticIds.MissingKey },
        { "a failure class without retry", "failures/classes/0", "{\"id\": \"F\"}", PolicyDiagnosticIds.MissingKey },
        { "an autonomy level without allowUpTo", "autonomy/levels/0", "{\"id\": \"l\"}", PolicyDiagnosticIds.MissingKey },
        { "an edge without to", "transitions/edges/0", "{\"from\": \"a\"}", PolicyDiagnosticIds.MissingKey },
        { "a check mapping without kind", "evidence/items/0/check", "{\"threshold\": 3}", PolicyDiagnosticIds.MissingKey },
        { "an escalation rule with neither condition nor when", "escalation/0", "{\"id\": \"E\", \"message\": \"m\"}", PolicyDiagnosticIds.EmptyRule },
        { "a signal comparison without value", "escalation/0/condition", "{\"signal\": \"retries\", \"op\": \">\"}", PolicyDiagnosticIds.MissingKey },
        { "a condition with an empty all", "escalation/0/condition", "{\"all\": []}", PolicyDiagnosticIds.MissingKey },
        { "a condition with no comparison at all", "escalation/0/condition", "{\"op\": \">\"}", PolicyDiagnosticIds.MissingKey },
        { "an unknown signal", "escalation/0/condition/signal", "\"retry\"", PolicyDiagnosticIds.InvalidValue },
        { "an unknown comparison", "escalation/0/condition/op", "\"=>\"", PolicyDiagnosticIds.InvalidValue },
        { "text where a number is expected", "escalation/0/condition/value", "\"three\"", PolicyDiagnosticIds.WrongType },
        { "a negative whole number", "failures/maxRetries", "-1", PolicyDiagnosticIds.InvalidValue },
        { "a fraction where a whole number is expected", "diff/0/max", "\"2.5\"", PolicyDiagnosticIds.WrongType },
        { "a word that is not a flag", "failures/retryUnknown", "\"maybe\"", PolicyDiagnosticIds.WrongType },
        { "an unknown verdict", "transitions/skip/verdict", "\"block\"", PolicyDiagnosticIds.InvalidValue },
        { "an unknown severity", "diff/0/severity", "\"fatal\"", PolicyDiagnosticIds.InvalidValue },
        { "an unknown check kind", "evidence/items/0/check", "\"tests-pass\"", PolicyDiagnosticIds.InvalidValue },
        { "an unknown diff kind", "diff/0/kind", "\"size\"", PolicyDiagnosticIds.InvalidValue },
        { "an unknown path op", "risks/0/path/ops", "[\"exec\"]", PolicyDiagnosticIds.InvalidValue },
        { "an unknown api version", "apiVersion", "\"autopilot/v2\"", PolicyDiagnosticIds.InvalidValue },
        { "an evidence schema that is not a mapping", "evidence/items/0/schema", "\"schema.json\"", PolicyDiagnosticIds.WrongType },
        { "an empty value for an outcome rule", "transitions/skip", "null", PolicyDiagnosticIds.WrongType },
        { "an empty value for a check", "evidence/items/0/check", "null", PolicyDiagnosticIds.InvalidValue },
        { "a program variable that is not a shell name", "actions/programVariables", "{\"MY-BIN\": \"./bin/tool\"}", PolicyDiagnosticIds.InvalidValue },
        { "a program variable starting with a digit", "actions/programVariables", "{\"1BIN\": \"./bin/tool\"}", PolicyDiagnosticIds.InvalidValue },
        { "a program variable with an empty value", "actions/programVariables", "{\"BIN\": \"  \"}", PolicyDiagnosticIds.InvalidValue },
        { "a program variable whose value expands", "actions/programVariables", "{\"BIN\": \"$(which tool)\"}", PolicyDiagnosticIds.InvalidValue },
        { "a program variable whose value is a list", "actions/programVariables", "{\"BIN\": [\"a\"]}", PolicyDiagnosticIds.WrongType },
        { "program variables as a list", "actions/programVariables", "[\"BIN\"]", PolicyDiagnosticIds.WrongType },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Schema_and_loader_agree(string form, string where, string valueJson, string? loaderDiagnostic)
    {
        var policy = SchemaDriftTests.BasePolicy();
        SchemaDriftTests.Set(policy, where, JsonNode.Parse(valueJson));
        var yaml = PolicyJson.ToYaml(policy);

        var loaded = PolicyLoader.LoadText(yaml, "form.policy.yaml");
        var schemaErrors = PolicyJson.Validate(PolicyJson.YamlToJson(yaml));
        if (loaderDiagnostic is null)
        {
            Assert.True(loaded.Diagnostics.Count == 0, $"{form}: the loader reported\n{string.Join("\n", loaded.Diagnostics)}\n{yaml}");
            Assert.True(schemaErrors.Count == 0, $"{form}: the schema reported\n{string.Join("\n", schemaErrors)}\n{yaml}");
        }
        else
        {
            Assert.True(loaded.Diagnostics.Any(d => d.Id == loaderDiagnostic),
                $"{form}: expected the loader to report {loaderDiagnostic}, got\n{string.Join("\n", loaded.Diagnostics)}\n{yaml}");
            Assert.True(schemaErrors.Count > 0, $"{form}: the loader rejects it ({loaderDiagnostic}) but the schema accepts it\n{yaml}");
        }
    }
}
