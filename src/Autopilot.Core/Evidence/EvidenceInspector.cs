using System.Text.Json;
using System.Text.RegularExpressions;
using Autopilot.Core.Predicates;
using Autopilot.Core.Schemas;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Evidence;

public enum EvidenceStatus : byte
{
    Valid,
    Missing,
    Invalid,
}

/// <summary>What was found for one kind of evidence: where, whether it holds, why not, and the file's hash for the ledger.</summary>
public sealed record EvidenceReport(EvidenceDef Definition, string Path, EvidenceStatus Status, string? Reason, string? Sha256)
{
    private readonly byte[]? _content;
    private string? _sha256 = Sha256;

    /// <summary>A report on a file that was read: its SHA-256 is taken only when asked for (a stateless check never asks, so loads no OpenSSL).</summary>
    internal EvidenceReport(EvidenceDef definition, string path, EvidenceStatus status, string? reason, byte[] content)
        : this(definition, path, status, reason, (string?)null) => _content = content;

    /// <summary>The SHA-256 of the file as read, lower-case hex; null when it was not read.</summary>
    public string? Sha256
    {
        get => _sha256 ??= _content is null ? null : Storage.DurableFile.Sha256Hex(_content);
        init => _sha256 = value;
    }
}

/// <summary>
/// Finds a phase's evidence on disk and validates its content: existence is not enough where the policy
/// declares a schema, a built-in check or a <c>when:</c> predicate.
/// </summary>
internal sealed partial class EvidenceInspector
{
    /// <summary>Evidence files are small documents; a larger one is refused, not read.</summary>
    public const long MaxEvidenceBytes = 16 * 1024 * 1024;

    private readonly PredicateEngine _predicates;

    public EvidenceInspector(PredicateEngine predicates)
    {
        _predicates = predicates;
    }

    /// <summary>The file evidence <paramref name="def"/> of <paramref name="phase"/> lives in: &lt;root&gt;/&lt;task&gt;/&lt;phase&gt;/&lt;path&gt;.</summary>
    public static string PathOf(string evidenceRoot, string task, string phase, EvidenceDef def) =>
        System.IO.Path.Combine(evidenceRoot, task, phase, Decisions.MessageTemplate.Fill(def.Path, ("task", task), ("phase", phase)));

    public EvidenceReport Inspect(string evidenceRoot, string task, string phase, EvidenceDef def)
    {
        var path = PathOf(evidenceRoot, task, phase, def);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return new EvidenceReport(def, path, EvidenceStatus.Missing, "the file does not exist", (string?)null);
        }

        if (info.Length > MaxEvidenceBytes)
        {
            return new EvidenceReport(def, path, EvidenceStatus.Invalid, $"the file is {info.Length} bytes, over the {MaxEvidenceBytes}-byte limit", (string?)null);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new EvidenceReport(def, path, EvidenceStatus.Invalid, $"cannot read it: {ex.Message}", (string?)null);
        }

        var reason = Validate(def, bytes, path, task, phase);
        return new EvidenceReport(def, path, reason is null ? EvidenceStatus.Valid : EvidenceStatus.Invalid, reason, bytes);
    }

    private string? Validate(EvidenceDef def, byte[] bytes, string path, string task, string phase)
    {
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return "it is not UTF-8 text";
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return "the file is empty";
        }

        var needsJson = def.Schema is not null || def.Check?.Kind is "tests-passed" or "rubric-threshold";
        JsonDocument? json = null;
        try
        {
            if (needsJson || def.When is not null)
            {
                try
                {
                    json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
                }
                catch (JsonException ex) when (needsJson)
                {
                    return $"it is not valid JSON: {ex.Message}";
                }
                catch (JsonException)
                {
                    json = null;
                }
            }

            if (def.Schema is { } schema)
            {
                if (!EngineFeatures.JsonSchemas)
                {
                    throw EngineFeatures.Missing("JSON Schemas");
                }

                if (!JsonSchemaValidator.TryFromText(schema, out var validator, out var schemaError))
                {
                    return $"the policy's schema for it cannot be used: {schemaError}";
                }

                var errors = validator!.Validate(text);
                if (errors.Count > 0)
                {
                    return "schema: " + string.Join("; ", errors.Take(5).Select(e => e.ToString()));
                }
            }

            var checkProblem = def.Check?.Kind switch
            {
                "tests-passed" => CheckTestsPassed(json!.RootElement),
                "rubric-threshold" => CheckRubric(json!.RootElement, def.Check.Threshold),
                "build-succeeded" => CheckBuildLog(text),
                _ => null,
            };
            if (checkProblem is not null)
            {
                return checkProblem;
            }

            if (def.When is { } when)
            {
                var facts = new System.Text.Json.Nodes.JsonObject
                {
                    ["content"] = json is null ? null : System.Text.Json.Nodes.JsonNode.Parse(json.RootElement.GetRawText()),
                    ["text"] = text,
                    ["path"] = path,
                    ["task"] = task,
                    ["phase"] = phase,
                }.ToJsonString();
                try
                {
                    if (!_predicates.Evaluate(when.Value, facts))
                    {
                        return "its 'when' predicate is false";
                    }
                }
                catch (PredicateException ex)
                {
                    return $"its 'when' predicate failed: {ex.Message}";
                }
            }

            return null;
        }
        finally
        {
            json?.Dispose();
        }
    }

    private static string? CheckTestsPassed(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "expected an object with total, passed and failed";
        }

        long Read(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : -1;
        var total = Read("total");
        var passed = Read("passed");
        var failed = Read("failed");
        if (total < 0 || passed < 0 || failed < 0)
        {
            return "expected whole numbers total, passed and failed";
        }

        if (total == 0)
        {
            return "no tests ran (total is 0)";
        }

        if (failed > 0)
        {
            return $"{failed} of {total} tests failed";
        }

        return passed + failed > total ? $"passed ({passed}) and failed ({failed}) add up to more than total ({total})" : null;
    }

    private static string? CheckRubric(JsonElement root, double threshold)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Object)
        {
            return "expected an object with 'scores'";
        }

        var low = new List<string>();
        var count = 0;
        foreach (var score in scores.EnumerateObject())
        {
            count++;
            if (score.Value.ValueKind != JsonValueKind.Number)
            {
                return $"score '{score.Name}' is not a number";
            }

            if (score.Value.GetDouble() < threshold)
            {
                low.Add($"{score.Name}={score.Value.GetDouble():0.##}");
            }
        }

        if (count == 0)
        {
            return "the rubric has no scores";
        }

        return low.Count == 0 ? null : $"scores below {threshold:0.##}: {string.Join(", ", low)}";
    }

    // Compiler and MSBuild error lines ("file(1,2): error CS1002: ...", "error MSB4018: ...", "Build FAILED.").
    [GeneratedRegex(@"(^|[\s:])error\s+[A-Z]{2,}\d+\s*:|^\s*Build FAILED\b|^\s*error:|\bERROR\b.*\bfailed\b", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex BuildErrorLine();

    private static string? CheckBuildLog(string text)
    {
        var match = BuildErrorLine().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var line = text.AsSpan(0, match.Index).Count('\n') + 1;
        var lineStart = text.LastIndexOf('\n', Math.Max(0, match.Index - 1)) + 1;
        var lineEnd = text.IndexOf('\n', match.Index);
        var lineText = text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)].Trim();
        return $"the build log reports an error at line {line}: {(lineText.Length > 160 ? lineText[..160] + "…" : lineText)}";
    }
}
