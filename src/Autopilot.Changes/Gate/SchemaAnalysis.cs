using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Rules;
using Autopilot.Changes.Schemas;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Gate;

/// <summary>The schema rules over changed JSON and YAML files: each must validate against the schema its path maps to.</summary>
internal sealed class SchemaAnalysis(IReadOnlyList<DiffRuleDef> rules, string repositoryRoot) : IChangeAnalysis
{
    public const long MaxFileBytes = 8 * 1024 * 1024;

    public IReadOnlyCollection<string> Kinds { get; } = [SchemaRules.Kind];

    private static readonly string[] s_dataExtensions = [".json", ".yaml", ".yml"];

    public IReadOnlyList<Finding> Evaluate(ChangeSet changes, ScopeFacts? scope)
    {
        if (!rules.Any(r => r.Kind == SchemaRules.Kind))
        {
            return [];
        }

        var findings = new List<Finding>();
        var files = new List<DataFileChange>();
        foreach (var file in changes.Files.Where(f => f.NewPath is not null && f.Kind != ChangeKind.Deleted && s_dataExtensions.Any(e => f.Path.EndsWith(e, StringComparison.OrdinalIgnoreCase))))
        {
            var content = file.ReadNew(MaxFileBytes);
            if (content is null || content.IsTruncated)
            {
                // Unread content is judged by the rule that covers it: fail closed rather than skip.
                files.Add(new DataFileChange(file.Path, content is null ? null : ""));
                if (content is not null)
                {
                    findings.Add(new Finding(RuleIds.SchemaTooLarge, Severity.Deny, $"{file.Path} is over {MaxFileBytes} bytes and cannot be validated.", new SourceLocation(file.Path, 1, 1)));
                }

                continue;
            }

            files.Add(new DataFileChange(file.Path, content.Text));
        }

        findings.AddRange(SchemaRules.Evaluate(files, rules, repositoryRoot));
        return findings;
    }
}
