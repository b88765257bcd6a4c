using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.CSharp;
using Autopilot.Changes.CSharp.Semantic;
using Autopilot.Changes.Rules;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Gate;

/// <summary>
/// The Roslyn side of the gate: public API, banned APIs, symbol scope and contract types over the changed
/// C# files only, old text against new. Skipped entirely (Roslyn never loads) when the policy has no such rule.
/// With <paramref name="semantic"/>, banned APIs are matched by symbol in the projects that own the files
/// (<see cref="SemanticCSharpRules"/>); without it, by syntax. When the change knows its trees (git), each file is read
/// as its project compiles it (<see cref="ProjectReader"/>: target frameworks, configurations, nullable context), and
/// public API is judged only in projects that ship.
/// </summary>
internal sealed class CSharpAnalysis(IReadOnlyList<DiffRuleDef> rules, SemanticOptions? semantic = null) : IChangeAnalysis
{
    /// <summary>A C# file over this size is not analysed (a generated blob, not code a person reviews): a warning says so.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    public IReadOnlyCollection<string> Kinds { get; } = [CSharpRules.PublicApi, CSharpRules.BannedApi, CSharpRules.SymbolScope, CSharpRules.ContractTypes];

    public IReadOnlyList<Finding> Evaluate(ChangeSet changes, ScopeFacts? scope)
    {
        if (!CSharpRules.AppliesTo(rules))
        {
            return [];
        }

        var findings = new List<Finding>();
        var files = new List<CSharpFileChange>();
        var csharp = changes.Files.Where(f => f.Path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) && !f.IsBinary && !f.IsSubmodule).ToList();
        var projectFiles = changes.Files.Where(f => ProjectReader.IsProjectFile(f.Path) && !f.IsBinary).ToList();
        var (oldProjects, newProjects) = csharp.Count + projectFiles.Count > 0 ? ProjectTrees.Read(changes) : (null, null);
        foreach (var file in csharp)
        {
            var old = file.OldPath is null || file.Kind == ChangeKind.Added ? null : file.ReadOld(MaxFileBytes);
            var @new = file.NewPath is null || file.Kind == ChangeKind.Deleted ? null : file.ReadNew(MaxFileBytes);
            var needsOld = file.Kind is not ChangeKind.Added;
            var needsNew = file.Kind is not ChangeKind.Deleted;
            if ((needsOld && old is null) || (needsNew && @new is null))
            {
                findings.Add(new Finding(RuleIds.CSharpNoContent, Severity.Warning,
                    $"{file.Path}: its {(needsOld && old is null ? "old" : "new")} text is not available ({changes.Description}), so its C# changes were not analysed; judge the change from git to analyse it.",
                    new SourceLocation(file.Path, 1, 1)));
                continue;
            }

            if (old?.IsTruncated == true || @new?.IsTruncated == true)
            {
                findings.Add(new Finding(RuleIds.CSharpTooLarge, Severity.Warning, $"{file.Path} is over {MaxFileBytes} bytes and was not analysed.", new SourceLocation(file.Path, 1, 1)));
                continue;
            }

            files.Add(new CSharpFileChange(file.Path, old?.Text, @new?.Text)
            {
                OldProject = file.OldPath is null || old is null ? null : ProjectTrees.Owner(oldProjects, file.OldPath),
                NewProject = file.NewPath is null || @new is null ? null : ProjectTrees.Owner(newProjects, file.NewPath),
            });
        }

        if (oldProjects is not null && newProjects is not null)
        {
            findings.AddRange(ProjectTrees.NullableChanges(projectFiles, oldProjects, newProjects, rules));
        }

        var workOrderSymbols = scope?.Symbols is { Count: > 0 } symbols ? symbols : null;
        findings.AddRange(semantic is null
            ? CSharpRules.Analyze(files, rules, workOrderSymbols)
            : SemanticCSharpRules.Analyze(files, rules, semantic, workOrderSymbols));
        return findings;
    }
}
