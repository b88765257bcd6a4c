using Autopilot.Core.Schemas;

namespace Autopilot.Core.Tests.Schemas;

public sealed class JsonSchemaValidatorTests
{
    private const string TestResultsSchema = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "type": "object",
          "required": ["total", "passed", "failed"],
          "additionalProperties": false,
          "properties": {
            "total": { "type": "integer", "minimum": 0 },
            "passed": { "type": "integer", "minimum": 0 },
            "failed": { "type": "integer", "minimum": 0 },
            "skipped": { "type": "integer", "minimum": 0 },
            "name": { "type": "string", "minLength": 3 },
            "tags": { "type": "array", "items": { "type": "string", "pattern": "^[a-z]+$" } }
          }
        }
        """;

    [Fact]
    public void Valid_json_has_no_errors()
    {
        var validator = JsonSchemaValidator.FromText(TestResultsSchema);
        Assert.Empty(validator.Validate("""{"total": 3, "passed": 3, "failed": 0}"""));
        Assert.Empty(validator.UnsupportedKeywords);
    }

    [Fact]
    public void Json_errors_point_at_the_start_of_the_failing_value()
    {
        var validator = JsonSchemaValidator.FromText(TestResultsSchema);
        var json = "{\n  \"total\": 3,\n  \"passed\": -1,\n  \"failed\": 0,\n  \"name\": \"ab\",\n  \"tags\": [\"ok\", \"NOT\"],\n  \"extra\": true\n}";
        var errors = validator.Validate(json);

        Assert.Collection(
            errors,
            e => Assert.Equal(("#/passed", "NumberTooSmall", 3, 13), (e.Path, e.Kind, e.Line, e.Column)),
            e => Assert.Equal(("#/name", "StringTooShort", 5, 11), (e.Path, e.Kind, e.Line, e.Column)),
            e => Assert.Equal(("#/tags[1]", "PatternMismatch", 6, 18), (e.Path, e.Kind, e.Line, e.Column)),
            e => Assert.Equal(("#/extra", "NoAdditionalPropertiesAllowed", 7, 3), (e.Path, e.Kind, e.Line, e.Column)));
        Assert.Contains("minimum 0", errors[0].Message);
    }

    [Fact]
    public void Missing_required_property_is_located_at_its_object()
    {
        var errors = JsonSchemaValidator.FromText(TestResultsSchema).Validate("{\"total\": 1,\n \"passed\": 1}");
        var error = Assert.Single(errors);
        Assert.Equal(("PropertyRequired", 1, 1), (error.Kind, error.Line, error.Column));
        Assert.Contains("'failed'", error.Message);
    }

    [Theory]
    [InlineData("{\"total\": 1,\n  \"passed\": ", 2)]
    [InlineData("{\"total\": 1, \"total\": 2, \"passed\": 1, \"failed\": 0}", 1)]
    [InlineData("{\"total\": 1, \"passed\": 1, \"failed\": 0} {}", 1)]
    [InlineData("", 1)]
    public void Malformed_json_is_one_located_error(string json, int line)
    {
        var error = Assert.Single(JsonSchemaValidator.FromText(TestResultsSchema).Validate(json));
        Assert.Equal("InvalidJson", error.Kind);
        Assert.Equal(line, error.Line);
        Assert.True(error.Column >= 1);
    }

    [Fact]
    public void Deeply_nested_json_is_an_error_not_a_crash()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);
        var error = Assert.Single(JsonSchemaValidator.FromText("{}").Validate(json));
        Assert.Equal("InvalidJson", error.Kind);
    }

    [Fact]
    public void Yaml_is_validated_with_yaml_positions()
    {
        var validator = JsonSchemaValidator.FromText(TestResultsSchema);
        var yaml = "# results\ntotal: 3\npassed: -2\nfailed: 0\ntags:\n  - ok\n  - \"NOT\"\n";
        var errors = validator.ValidateYaml(yaml);

        Assert.Collection(
            errors,
            e => Assert.Equal(("#/passed", "NumberTooSmall", 3, 9), (e.Path, e.Kind, e.Line, e.Column)),
            e => Assert.Equal(("#/tags[1]", "PatternMismatch", 7, 5), (e.Path, e.Kind, e.Line, e.Column)));
        Assert.Empty(validator.ValidateYaml("total: 3\npassed: 3\nfailed: 0\nskipped: 0\n"));
    }

    [Fact]
    public void Yaml_scalars_resolve_like_yaml_core_schema()
    {
        var validator = JsonSchemaValidator.FromText("""
            {"type":"object","properties":{"s":{"type":"string"},"n":{"type":"null"},"b":{"type":"boolean"},"f":{"type":"number"},"i":{"type":"integer"}}}
            """);
        Assert.Empty(validator.ValidateYaml("s: '12'\nn: ~\nb: true\nf: 1.5\ni: -7\n"));
        var error = Assert.Single(validator.ValidateYaml("s: 12\n"));
        Assert.Equal(("StringExpected", 1, 4), (error.Kind, error.Line, error.Column));
    }

    [Theory]
    [InlineData("a: [1, 2\nb: 3\n", "InvalidYaml")]
    [InlineData("a: 1\na: 2\n", "InvalidYaml")]
    [InlineData("? [complex, key]\n: 1\n", "InvalidYaml")]
    public void Malformed_yaml_is_one_located_error(string yaml, string kind)
    {
        var error = Assert.Single(JsonSchemaValidator.FromText("{}").ValidateYaml(yaml));
        Assert.Equal(kind, error.Kind);
        Assert.True(error.Line >= 1 && error.Column >= 1);
    }

    [Fact]
    public void Yaml_aliases_expand_but_a_billion_laughs_is_refused()
    {
        var validator = JsonSchemaValidator.FromText("""{"type":"object","properties":{"b":{"type":"array","items":{"type":"integer"}}}}""");
        Assert.Empty(validator.ValidateYaml("a: &x [1, 2]\nb: *x\n"));
        var bad = Assert.Single(validator.ValidateYaml("a: &x [1, 2]\nb: [*x]\n"));
        Assert.Equal("IntegerExpected", bad.Kind);

        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        for (var i = 1; i < 9; i++)
        {
            laughs += $"{(char)('a' + i)}: &{(char)('a' + i)} [" + string.Join(", ", Enumerable.Repeat($"*{(char)('a' + i - 1)}", 10)) + "]\n";
        }

        var error = Assert.Single(JsonSchemaValidator.FromText("{}").ValidateYaml(laughs));
        Assert.Equal("InvalidYaml", error.Kind);
        Assert.Contains("aliases", error.Message);
    }

    [Fact]
    public void Multi_document_yaml_validates_every_document()
    {
        var errors = JsonSchemaValidator.FromText(TestResultsSchema).ValidateYaml("total: 1\npassed: 1\nfailed: 0\n---\ntotal: x\npassed: 1\nfailed: 0\n");
        var error = Assert.Single(errors);
        Assert.Equal(("#/total", 5, 8), (error.Path, error.Line, error.Column));
    }

    [Fact]
    public void Keywords_still_not_enforced_are_reported_with_their_place()
    {
        var schema = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"propertyNames\": { \"type\": \"string\" },\n    \"map\": { \"propertyNames\": { \"maxLength\": 2 } }\n  },\n  \"unevaluatedProperties\": false\n}";
        var validator = JsonSchemaValidator.FromText(schema);

        // A property *named* propertyNames is not the keyword; the one inside "map" is.
        Assert.Collection(
            validator.UnsupportedKeywords,
            k => Assert.Equal(("propertyNames", "#/properties/map/propertyNames", 5, 14), (k.Keyword, k.Pointer, k.Line, k.Column)),
            k => Assert.Equal(("unevaluatedProperties", 7), (k.Keyword, k.Line)));

        // And the gap is real: NJsonSchema passes a name that propertyNames forbids.
        Assert.Empty(validator.Validate("{\"map\": {\"long\": 1}}"));
    }

    [Fact]
    public void Const_is_enforced_with_a_message_that_names_it()
    {
        var validator = JsonSchemaValidator.FromText("{\"properties\": {\"const\": {\"type\": \"string\"}, \"kind\": {\"const\": \"x\"}, \"flag\": {\"const\": false}}}");
        Assert.Empty(validator.UnsupportedKeywords);
        Assert.Empty(validator.Validate("{\"kind\": \"x\", \"const\": \"a property named const\", \"flag\": false}"));
        var error = Assert.Single(validator.Validate("{\n  \"kind\": \"y\"\n}"));
        Assert.Equal(("#/kind", 2, 11), (error.Path, error.Line, error.Column));
        Assert.Contains("not the constant \"x\"", error.Message, StringComparison.Ordinal);
        Assert.Single(validator.Validate("{\"flag\": 0}"));
    }

    [Fact]
    public void If_then_else_is_enforced_on_the_branch_the_condition_selects()
    {
        const string schema = """
            {
              "type": "object",
              "if": { "properties": { "kind": { "const": "file" } }, "required": ["kind"] },
              "then": { "required": ["path"] },
              "else": { "required": ["url"] }
            }
            """;
        var validator = JsonSchemaValidator.FromText(schema);
        Assert.Empty(validator.UnsupportedKeywords);
        Assert.Empty(validator.Validate("{\"kind\": \"file\", \"path\": \"a\"}"));
        Assert.Empty(validator.Validate("{\"kind\": \"web\", \"url\": \"u\"}"));
        var then = Assert.Single(validator.Validate("{\"kind\": \"file\", \"url\": \"u\"}"));
        Assert.Contains("'then' or 'else'", then.Message, StringComparison.Ordinal);
        Assert.Single(validator.Validate("{\"kind\": \"web\", \"path\": \"a\"}"));

        // then/else without if do nothing, as the specification says.
        Assert.Empty(JsonSchemaValidator.FromText("{\"then\": false}").Validate("1"));
    }

    [Fact]
    public void Contains_dependencies_and_boolean_schemas_are_enforced()
    {
        var contains = JsonSchemaValidator.FromText("{\"contains\": {\"const\": 5}}");
        Assert.Empty(contains.Validate("[1, 5]"));
        Assert.Empty(contains.Validate("\"not an array\""));
        Assert.Single(contains.Validate("[1, 2]"));
        Assert.Single(contains.Validate("[]"));

        var dependencies = JsonSchemaValidator.FromText("{\"dependencies\": {\"a\": [\"b\"], \"c\": {\"required\": [\"d\"]}}}");
        Assert.Empty(dependencies.Validate("{\"a\": 1, \"b\": 2}"));
        Assert.Empty(dependencies.Validate("[\"a\"]"));
        Assert.Single(dependencies.Validate("{\"a\": 1}"));
        Assert.Single(dependencies.Validate("{\"c\": 1}"));

        Assert.Single(JsonSchemaValidator.FromText("false").Validate("{}"));
        Assert.Empty(JsonSchemaValidator.FromText("true").Validate("{}"));
        Assert.Single(JsonSchemaValidator.FromText("{\"properties\": {\"a\": false}}").Validate("{\"a\": 1}"));
    }

    [Theory]
    [InlineData("{\"type\": ", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"properties\": {\"a\": {\"$ref\": \"http://example.com/s.json\"}}}", "only local references")]
    [InlineData("{\"properties\": {\"a\": {\"$ref\": \"other.json\"}}}", "only local references")]
    public void Bad_schemas_fail_to_load_with_a_location(string schema, string message)
    {
        var e = Assert.Throws<JsonSchemaLoadException>(() => JsonSchemaValidator.FromText(schema));
        Assert.Contains(message, e.Message);
        Assert.True(e.Line >= 1 && e.Column >= 1);
        Assert.False(JsonSchemaValidator.TryFromText(schema, out _, out var error));
        Assert.Equal("InvalidSchema", error!.Kind);
    }

    [Fact]
    public void Local_refs_are_followed()
    {
        var validator = JsonSchemaValidator.FromText("""
            {"definitions":{"pos":{"type":"integer","minimum":1}},"type":"object","properties":{"n":{"$ref":"#/definitions/pos"}}}
            """);
        Assert.Equal("NumberTooSmall", Assert.Single(validator.Validate("{\"n\": 0}")).Kind);
    }

    [Fact]
    public void Loading_is_cached_by_text()
    {
        var first = JsonSchemaValidator.FromText(TestResultsSchema);
        var second = JsonSchemaValidator.FromText(new string(TestResultsSchema.AsSpan()));
        Assert.Same(first, second);
        Assert.NotSame(first, JsonSchemaValidator.FromText(TestResultsSchema + " "));
        Assert.Equal(64, first.Hash.Length);
    }
}
