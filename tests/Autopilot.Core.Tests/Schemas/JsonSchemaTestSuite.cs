using System.Globalization;
using System.Text;
using Autopilot.Core.Schemas;
using Newtonsoft.Json.Linq;

namespace Autopilot.Core.Tests.Schemas;

/// <summary>
/// The official JSON-Schema-Test-Suite (json-schema-org), found where `.ci/run` puts it: Debian's
/// <c>json-schema-test-suite</c> package (draft-07 and older; no NuGet or npm package ships draft-07 or later),
/// named by AUTOPILOT_JSON_SCHEMA_SUITE. When that is not set, the tests fetch the Debian package themselves with
/// <c>apt-get download</c> and unpack it with <c>dpkg -x</c>; when neither works, the suite tests are skipped with
/// the reason. A newer copy of the suite (with draft2020-12) can be named by the same variable.
/// </summary>
public static class JsonSchemaTestSuite
{
    public const string EnvironmentVariable = "AUTOPILOT_JSON_SCHEMA_SUITE";
    private const string DebianPackage = "json-schema-test-suite";
    private const string PathInPackage = "usr/share/json-schema-test-suite";
    private static readonly Lazy<(string? Root, string Reason)> s_root = new(Locate);

    /// <summary>The suite's folder (holding tests/), or null.</summary>
    public static string? Root => s_root.Value.Root;

    /// <summary>Why there is no suite, when there is none.</summary>
    public static string MissingReason => s_root.Value.Reason;

    /// <summary>The folder of one draft's tests (tests/draft7, tests/draft2020-12), or null when absent.</summary>
    public static string? DraftFolder(string draft) =>
        Root is { } root && Directory.Exists(Path.Combine(root, "tests", draft)) ? Path.Combine(root, "tests", draft) : null;

    /// <summary>Runs every required test of a draft (not optional/) through <see cref="JsonSchemaValidator"/>.</summary>
    public static IReadOnlyDictionary<string, KeywordResult> Run(string draftFolder)
    {
        var results = new SortedDictionary<string, KeywordResult>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(draftFolder, "*.json").Order(StringComparer.Ordinal))
        {
            var keyword = Path.GetFileNameWithoutExtension(file);
            var result = new KeywordResult();
            foreach (var group in JArray.Parse(File.ReadAllText(file)).Cast<JObject>())
            {
                var schemaText = group["schema"]!.ToString(Newtonsoft.Json.Formatting.None);
                JsonSchemaValidator? validator = null;
                try
                {
                    validator = JsonSchemaValidator.FromText(schemaText);
                }
                catch (JsonSchemaLoadException)
                {
                    // Refused (a reference outside the schema, a boolean schema): every test of the group fails.
                }

                foreach (var test in group["tests"]!.Cast<JObject>())
                {
                    var expected = test["valid"]!.Value<bool>();
                    bool? actual;
                    try
                    {
                        actual = validator is null ? null : validator.Validate(test["data"]!.ToString(Newtonsoft.Json.Formatting.None)).Count == 0;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        actual = null;
                    }

                    result.Add(actual == expected, $"{group["description"]} / {test["description"]}");
                }
            }

            results[keyword] = result;
        }

        return results;
    }

    /// <summary>A markdown table of pass rates per keyword.</summary>
    public static string Table(IReadOnlyDictionary<string, KeywordResult> results)
    {
        var text = new StringBuilder("| keyword | passed | total | rate |\n| --- | ---: | ---: | ---: |\n");
        foreach (var (keyword, r) in results)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {keyword} | {r.Passed} | {r.Total} | {r.Rate:0.000} |\n");
        }

        var passed = results.Values.Sum(r => r.Passed);
        var total = results.Values.Sum(r => r.Total);
        text.Append(CultureInfo.InvariantCulture, $"| **all** | {passed} | {total} | {(double)passed / total:0.000} |\n");
        return text.ToString();
    }

    private static (string?, string) Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return Directory.Exists(Path.Combine(given, "tests")) ? (given, "") : (null, $"{EnvironmentVariable}={given} has no tests/ folder");
        }

        var dir = Path.Combine(Path.GetTempPath(), "autopilot-json-schema-test-suite");
        var root = Path.Combine(dir, PathInPackage);
        if (Directory.Exists(Path.Combine(root, "tests")))
        {
            return (root, "");
        }

        try
        {
            Directory.CreateDirectory(dir);
            var download = TestProcess.Run("apt-get", ["download", DebianPackage], dir, timeoutMs: 120_000);
            var deb = Directory.EnumerateFiles(dir, DebianPackage + "_*.deb").FirstOrDefault();
            if (download.ExitCode != 0 || deb is null)
            {
                return (null, $"the JSON-Schema-Test-Suite is not here: set {EnvironmentVariable}, or let `apt-get download {DebianPackage}` work ({download.StdErr.Trim()})");
            }

            var unpack = TestProcess.Run("dpkg", ["-x", deb, dir], dir);
            return unpack.ExitCode == 0 && Directory.Exists(Path.Combine(root, "tests"))
                ? (root, "")
                : (null, $"could not unpack {deb}: {unpack.StdErr.Trim()}");
        }
        catch (Exception ex) when (ex is IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, $"the JSON-Schema-Test-Suite is not here: set {EnvironmentVariable} ({ex.Message})");
        }
    }
}

/// <summary>Pass count of one keyword's file.</summary>
public sealed class KeywordResult
{
    public int Passed { get; private set; }

    public int Total { get; private set; }

    public List<string> Failures { get; } = [];

    public double Rate => Total == 0 ? 1 : (double)Passed / Total;

    public void Add(bool passed, string name)
    {
        Total++;
        if (passed)
        {
            Passed++;
        }
        else
        {
            Failures.Add(name);
        }
    }
}

/// <summary>A fact that runs only when the suite's draft folder is here; otherwise skipped with the reason.</summary>
public sealed class SuiteFactAttribute : FactAttribute
{
    public SuiteFactAttribute(string draft)
    {
        if (JsonSchemaTestSuite.DraftFolder(draft) is null)
        {
            Skip = JsonSchemaTestSuite.Root is null
                ? JsonSchemaTestSuite.MissingReason
                : $"this copy of the JSON-Schema-Test-Suite has no tests/{draft} (Debian's package stops at draft7; name a newer copy with {JsonSchemaTestSuite.EnvironmentVariable})";
        }
    }
}
