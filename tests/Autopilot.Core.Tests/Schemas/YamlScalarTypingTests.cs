using Autopilot.Core.Schemas;
using Autopilot.Policy.Loading;
using Newtonsoft.Json.Linq;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Core.Tests.Schemas;

/// <summary>
/// One scalar-typing rule (the YAML 1.2 core schema, <see cref="YamlScalars"/>) for every YAML reader: the policy's
/// YAML-to-JSON (embedded schemas, policy tests), the data-file reader the schema rules validate, and the policy binder.
/// </summary>
public sealed class YamlScalarTypingTests
{
    public static TheoryData<string, string> Table => new()
    {
        // the plain scalar as written, the JSON it stands for
        { "null", "null" }, { "Null", "null" }, { "NULL", "null" }, { "~", "null" },
        { "true", "true" }, { "True", "true" }, { "TRUE", "true" }, { "false", "false" }, { "FALSE", "false" },
        { "yes", "\"yes\"" }, { "no", "\"no\"" }, { "on", "\"on\"" }, { "off", "\"off\"" }, { "nULL", "\"nULL\"" }, { "tRUE", "\"tRUE\"" },
        { "0x1F", "31" }, { "0o17", "15" }, { "017", "17" }, { "+5", "5" }, { "-3", "-3" }, { "0x", "\"0x\"" }, { "0o9", "\"0o9\"" },
        { "1.5", "1.5" }, { "1e3", "1000.0" }, { ".5", "0.5" }, { "-2.", "-2.0" },
        { "1_000", "\"1_000\"" }, { "12:30", "\"12:30\"" }, { "0b101", "\"0b101\"" }, { "1.2.3", "\"1.2.3\"" },
        { "\"true\"", "\"true\"" }, { "'42'", "\"42\"" }, { "!!str 7", "\"7\"" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Every_reader_types_a_scalar_the_same_way(string yaml, string json)
    {
        var expected = JToken.Parse(json);

        var stream = new YamlStream();
        stream.Load(new StringReader("v: " + yaml + "\n"));
        var policySide = JObject.Parse(YamlJson.ToJson(stream.Documents[0].RootNode))["v"]!;
        Assert.True(JToken.DeepEquals(expected, policySide), $"YamlJson: {yaml} -> {policySide.ToString(Newtonsoft.Json.Formatting.None)}, expected {json}");

        var reader = Assert.Single(YamlJsonReader.ReadDocuments("v: " + yaml + "\n"));
        var dataSide = JToken.ReadFrom(reader)["v"]!;
        Assert.True(JToken.DeepEquals(expected, dataSide), $"YamlJsonReader: {yaml} -> {dataSide.ToString(Newtonsoft.Json.Formatting.None)}, expected {json}");
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("FALSE", false)]
    [InlineData("yes", true)] // text under YAML 1.2; a flag accepts the word, as the policy schema does
    [InlineData("off", false)]
    public void The_policy_binder_reads_core_schema_booleans(string text, bool expected)
    {
        var result = Autopilot.Policy.Plan.PlanBuilder.Compile(PolicyLoader.LoadText($"phases: [a]\nfailures:\n  retryUnknown: {text}\n", "t.policy.yaml"), Autopilot.Policy.Validation.PolicyChecks.None);

        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("true or false", StringComparison.Ordinal));
        Assert.Equal(expected, result.Plan!.Failures.RetryUnknown);
    }
}
