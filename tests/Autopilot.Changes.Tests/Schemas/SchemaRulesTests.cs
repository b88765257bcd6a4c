using Autopilot.Changes.Schemas;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.Schemas;

public sealed class SchemaRulesTests : IDisposable
{
    private const string ConfigSchema = """
        {
          "type": "object",
          "required": ["name"],
          "properties": {
            "name": { "type": "string", "minLength": 2 },
            "port": { "type": "integer", "maximum": 65535 }
          }
        }
        """;

    private readonly string _repo = Directory.CreateTempSubdirectory("ap-schema-").FullName;

    public SchemaRulesTests()
    {
        Directory.CreateDirectory(Path.Combine(_repo, "schemas"));
        File.WriteAllText(Path.Combine(_repo, "schemas", "config.schema.json"), ConfigSchema);
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    private static DiffRuleDef Rule(string schema) => new()
    {
        Id = "AP-SCHEMA-CONFIG",
        Kind = "schema",
        Paths = ["config/**/*.json", "config/**/*.yaml"],
        Schema = schema,
        Location = new SourceLocation("policies/default.policy.yaml", 40, 5),
    };

    [Fact]
    public void Changed_json_and_yaml_files_are_validated_with_located_findings()
    {
        var files = new[]
        {
            new DataFileChange("config/app.json", "{\n  \"name\": \"x\",\n  \"port\": 70000\n}"),
            new DataFileChange("config/env/dev.yaml", "name: dev\nport: \"eighty\"\n"),
            new DataFileChange("config/good.json", "{\"name\": \"ok\"}"),
            new DataFileChange("config/deleted.json", null),
            new DataFileChange("docs/readme.json", "not even json"),
        };
        var findings = SchemaRules.Evaluate(files, [Rule("schemas/config.schema.json")], _repo);

        Assert.Equal(
            [("config/app.json", 2, 11), ("config/app.json", 3, 11), ("config/env/dev.yaml", 2, 7)],
            findings.Select(f => (f.Location!.Path, f.Location.Line, f.Location.Column)));
        Assert.All(findings, f => Assert.Equal((Severity.Deny, "AP-SCHEMA-CONFIG"), (f.Severity, f.RuleId)));
        Assert.Contains("#/port", findings[1].Message);
    }

    [Fact]
    public void Inline_schema_and_malformed_data_files()
    {
        var files = new[] { new DataFileChange("config/a.json", "{\"name\": \"abc\",,}"), new DataFileChange("config/b.yaml", "name: [unclosed\n") };
        var findings = SchemaRules.Evaluate(files, [Rule(ConfigSchema)], _repo);
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Severity.Deny, f.Severity));
        Assert.Equal(("config/a.json", 1), (findings[0].Location!.Path, findings[0].Location!.Line));
    }

    [Fact]
    public void A_missing_or_broken_schema_denies_instead_of_passing()
    {
        var files = new[] { new DataFileChange("config/a.json", "{\"name\": \"abc\"}") };

        var missing = Assert.Single(SchemaRules.Evaluate(files, [Rule("schemas/nope.json")], _repo));
        Assert.Equal((Severity.Deny, 40), (missing.Severity, missing.Location!.Line));

        var escaping = Assert.Single(SchemaRules.Evaluate(files, [Rule("../outside.json")], _repo));
        Assert.Contains("outside the repository", escaping.Message);

        File.WriteAllText(Path.Combine(_repo, "schemas", "broken.json"), "{\n  \"type\": \n");
        var broken = Assert.Single(SchemaRules.Evaluate(files, [Rule("schemas/broken.json")], _repo));
        Assert.Equal(("schemas/broken.json", Severity.Deny), (broken.Location!.Path, broken.Severity));
    }

    [Fact]
    public void Schemas_with_unenforced_keywords_warn()
    {
        // const is enforced now (rewritten to a one-value enum); propertyNames is still one NJsonSchema ignores.
        File.WriteAllText(Path.Combine(_repo, "schemas", "names.json"), "{\n  \"type\": \"object\",\n  \"propertyNames\": { \"pattern\": \"^[a-z]+$\" }\n}");
        var files = new[] { new DataFileChange("config/a.json", "{\"Kind\": \"b\"}") };
        var warning = Assert.Single(SchemaRules.Evaluate(files, [Rule("schemas/names.json")], _repo));
        Assert.Equal((Severity.Warning, "schemas/names.json", 3), (warning.Severity, warning.Location!.Path, warning.Location.Line));
        Assert.Contains("'propertyNames'", warning.Message);
    }
}
