using Autopilot.Changes.CSharp;
using Autopilot.Core.Decisions;
using Autopilot.Core.Schemas;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Schemas;

/// <summary>A changed data file: its path (relative to the repository) and new text (null when deleted).</summary>
/// <remarks>Value equality over all members.</remarks>
internal sealed record DataFileChange(string Path, string? NewText);

/// <summary>
/// The <c>schema</c> diff rule: changed files matching the rule's <see cref="DiffRuleDef.Paths"/> (minus
/// <see cref="DiffRuleDef.ExcludePaths"/>) must validate against its <see cref="DiffRuleDef.Schema"/>, which is
/// either inline JSON or a path relative to the repository. <c>.json</c> files are read as JSON, <c>.yaml</c> and
/// <c>.yml</c> as YAML, anything else as JSON when it starts like JSON and as YAML otherwise.
/// </summary>
/// <remarks>
/// Every failing value is a finding at the rule's severity, located in the changed file. A schema that
/// cannot be loaded denies every file the rule covers (never a silent pass); a schema using keywords the
/// validator does not enforce gives one warning per rule, located in the schema.
/// </remarks>
internal static class SchemaRules
{
    public const string Kind = "schema";

    public static IReadOnlyList<Finding> Evaluate(IEnumerable<DataFileChange> files, IEnumerable<DiffRuleDef> rules, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(rules);
        var changed = files.Where(f => f.NewText is not null).ToList();
        var findings = new List<Finding>();
        foreach (var rule in rules.Where(r => r.Kind == Kind))
        {
            var covered = changed.Where(f => Covers(rule, f.Path)).ToList();
            if (covered.Count == 0)
            {
                continue;
            }

            var (validator, failure) = Load(rule, repositoryRoot);
            if (validator is null)
            {
                foreach (var file in covered)
                {
                    findings.Add(new Finding(rule.Id, Severity.Deny, $"{file.Path} cannot be checked: {failure!.Value.Message}", failure.Value.Location));
                }

                continue;
            }

            if (validator.UnsupportedKeywords.Count > 0)
            {
                var first = validator.UnsupportedKeywords[0];
                var schemaPath = IsInline(rule.Schema!) ? rule.Location?.Path ?? "<inline schema>" : rule.Schema!;
                findings.Add(new Finding(
                    rule.Id,
                    Severity.Warning,
                    $"The schema of rule '{rule.Id}' uses keywords the validator does not enforce, so they are not checked: {string.Join(", ", validator.UnsupportedKeywords)}.",
                    IsInline(rule.Schema!) ? rule.Location : new SourceLocation(schemaPath, first.Line, first.Column)));
            }

            foreach (var file in covered)
            {
                var errors = IsYaml(file.Path, file.NewText!) ? validator.ValidateYaml(file.NewText!) : validator.Validate(file.NewText!);
                foreach (var error in errors)
                {
                    var message = string.IsNullOrWhiteSpace(rule.Message)
                        ? $"{file.Path} does not match its schema: {error.Message}."
                        : $"{rule.Message} ({error.Message})";
                    findings.Add(new Finding(rule.Id, rule.Severity, message, new SourceLocation(file.Path, error.Line, error.Column)));
                }
            }
        }

        return findings;
    }

    private static bool Covers(DiffRuleDef rule, string path) =>
        PathGlob.IsMatchAny(rule.Paths, path) && !PathGlob.IsMatchAny(rule.ExcludePaths, path);

    private static bool IsInline(string schema) => schema.TrimStart().StartsWith('{');

    private static bool IsYaml(string path, string text)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var start = text.TrimStart();
        return !(start.StartsWith('{') || start.StartsWith('['));
    }

    private static (JsonSchemaValidator? Validator, (string Message, SourceLocation? Location)? Failure) Load(DiffRuleDef rule, string repositoryRoot)
    {
        if (string.IsNullOrWhiteSpace(rule.Schema))
        {
            return (null, ($"rule '{rule.Id}' names no schema", rule.Location));
        }

        string text;
        string? schemaPath = null;
        if (IsInline(rule.Schema))
        {
            text = rule.Schema;
        }
        else
        {
            schemaPath = rule.Schema.Replace('\\', '/');
            var root = Path.GetFullPath(repositoryRoot);
            var full = Path.GetFullPath(Path.Combine(root, schemaPath));
            if (Path.IsPathRooted(schemaPath) || !full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return (null, ($"schema '{rule.Schema}' of rule '{rule.Id}' is outside the repository", rule.Location));
            }

            try
            {
                text = File.ReadAllText(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, ($"schema '{rule.Schema}' of rule '{rule.Id}' cannot be read ({e.Message})", rule.Location));
            }
        }

        if (JsonSchemaValidator.TryFromText(text, out var validator, out var error))
        {
            return (validator, null);
        }

        // Inline schemas sit in the policy: point at the rule; file schemas: at the place in the file.
        var location = schemaPath is null ? rule.Location : new SourceLocation(schemaPath, error!.Line, error.Column);
        return (null, ($"the schema of rule '{rule.Id}' is unusable: {error!.Message}", location));
    }
}
