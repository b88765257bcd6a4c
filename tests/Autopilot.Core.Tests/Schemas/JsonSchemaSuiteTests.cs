using System.Globalization;

namespace Autopilot.Core.Tests.Schemas;

/// <summary>
/// Pass rates of <see cref="Autopilot.Core.Schemas.JsonSchemaValidator"/> on the official JSON-Schema-Test-Suite,
/// per keyword, pinned as floors: a keyword that passes fewer of its tests than recorded fails here
/// (benchmarks/results/json-schema-suite.md has the figures). Set AUTOPILOT_SCHEMA_SUITE_REPORT to a file to
/// get the tables written there.
/// </summary>
public sealed class JsonSchemaSuiteTests
{
    // Floors: the lowest rate measured over the suite copies at hand (Debian's 2.0.0 and json-schema-org's main).
    private static readonly Dictionary<string, double> s_draft7Floors = new(StringComparer.Ordinal)
    {
        ["additionalItems"] = 1.000,
        ["additionalProperties"] = 1.000,
        ["allOf"] = 1.000,
        ["anyOf"] = 1.000,
        ["boolean_schema"] = 1.000,
        ["const"] = 0.916,
        ["contains"] = 1.000,
        ["default"] = 1.000,
        ["definitions"] = 0.000,
        ["dependencies"] = 1.000,
        ["enum"] = 0.955,
        ["exclusiveMaximum"] = 1.000,
        ["exclusiveMinimum"] = 1.000,
        ["format"] = 1.000,
        ["if-then-else"] = 1.000,
        ["infinite-loop-detection"] = 1.000,
        ["items"] = 1.000,
        ["maxItems"] = 0.666,
        ["maxLength"] = 0.571,
        ["maxProperties"] = 0.700,
        ["maximum"] = 1.000,
        ["minItems"] = 0.666,
        ["minLength"] = 0.571,
        ["minProperties"] = 0.800,
        ["minimum"] = 1.000,
        ["multipleOf"] = 1.000,
        ["not"] = 1.000,
        ["oneOf"] = 1.000,
        ["pattern"] = 1.000,
        ["patternProperties"] = 0.913,
        ["properties"] = 1.000,
        ["propertyNames"] = 0.772,
        ["ref"] = 0.564,
        ["refRemote"] = 0.000,
        ["required"] = 0.571,
        ["type"] = 0.987,
        ["uniqueItems"] = 0.956,
    };

    private static readonly Dictionary<string, double> s_draft202012Floors = new(StringComparer.Ordinal)
    {
        ["additionalProperties"] = 1.000,
        ["allOf"] = 1.000,
        ["anchor"] = 0.000,
        ["anyOf"] = 1.000,
        ["boolean_schema"] = 1.000,
        ["const"] = 0.981,
        ["contains"] = 1.000,
        ["content"] = 1.000,
        ["default"] = 1.000,
        ["defs"] = 0.000,
        ["dependentRequired"] = 1.000,
        ["dependentSchemas"] = 1.000,
        ["dynamicRef"] = 0.068,
        ["enum"] = 0.843,
        ["exclusiveMaximum"] = 1.000,
        ["exclusiveMinimum"] = 1.000,
        ["format"] = 0.947,
        ["if-then-else"] = 1.000,
        ["infinite-loop-detection"] = 1.000,
        ["items"] = 0.758,
        ["maxContains"] = 0.500,
        ["maxItems"] = 0.666,
        ["maxLength"] = 0.571,
        ["maxProperties"] = 0.700,
        ["maximum"] = 1.000,
        ["minContains"] = 0.500,
        ["minItems"] = 0.666,
        ["minLength"] = 0.571,
        ["minProperties"] = 0.800,
        ["minimum"] = 1.000,
        ["multipleOf"] = 1.000,
        ["not"] = 0.975,
        ["oneOf"] = 1.000,
        ["pattern"] = 0.750,
        ["patternProperties"] = 0.840,
        ["prefixItems"] = 0.818,
        ["properties"] = 1.000,
        ["propertyNames"] = 0.772,
        ["ref"] = 0.506,
        ["refRemote"] = 0.000,
        ["required"] = 0.611,
        ["type"] = 0.987,
        ["unevaluatedItems"] = 0.605,
        ["unevaluatedProperties"] = 0.480,
        ["uniqueItems"] = 0.869,
        ["vocabulary"] = 0.800,
    };

    [SuiteFact("draft7")]
    public void Draft7_keywords_keep_their_floor() => Check("draft7", s_draft7Floors);

    [SuiteFact("draft2020-12")]
    public void Draft2020_12_keywords_keep_their_floor() => Check("draft2020-12", s_draft202012Floors);

    private static void Check(string draft, Dictionary<string, double> floors)
    {
        var results = JsonSchemaTestSuite.Run(JsonSchemaTestSuite.DraftFolder(draft)!);
        if (Environment.GetEnvironmentVariable("AUTOPILOT_SCHEMA_SUITE_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, $"\n### {draft} ({JsonSchemaTestSuite.Root})\n\n{JsonSchemaTestSuite.Table(results)}\n" +
                string.Concat(results.SelectMany(r => r.Value.Failures.Select(f => $"- fail {r.Key}: {f}\n"))));
        }

        var regressed = results
            .Where(r => floors.TryGetValue(r.Key, out var floor) && r.Value.Rate + 1e-9 < floor)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key}: {r.Value.Rate:0.000} < floor {floors[r.Key]:0.000} (first failures: {string.Join("; ", r.Value.Failures.Take(3))})"))
            .ToList();
        Assert.True(regressed.Count == 0, $"{draft} keywords below their floor:\n" + string.Join("\n", regressed));
        Assert.True(results.Count >= 30, $"only {results.Count} keyword files found in {draft}");
    }
}
