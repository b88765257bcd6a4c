using Autopilot.Core.Decisions;
using Autopilot.Core.Telemetry;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// <see cref="CSharpRules.Analyze"/> with banned APIs matched by symbol where the projects open and bind: the
/// same rules, finding shapes and ids, only the <c>banned-api</c> uses of the files analysed semantically come
/// from <see cref="SemanticBannedApiAnalysis"/>. Every other file keeps syntax matching, with a warning saying why.
/// </summary>
internal static class SemanticCSharpRules
{
    public static IReadOnlyList<Finding> Analyze(
        IReadOnlyList<CSharpFileChange> files,
        IReadOnlyList<DiffRuleDef> rules,
        SemanticOptions options,
        IReadOnlyList<string>? workOrderSymbols = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entries = CSharpRules.BannedEntries(rules);
        var report = new CSharpChangeAnalyzer(entries).Analyze(files, cancellationToken);
        if (entries.Count == 0)
        {
            return CSharpRules.Evaluate(report, rules, workOrderSymbols);
        }

        using var activity = AutopilotTelemetry.Source.StartActivity("autopilot.gate.semantic");
        var semantic = new SemanticBannedApiAnalysis(options).Analyze(files, entries, cancellationToken);
        activity?.SetTag("autopilot.semantic.projects", semantic.Projects.Count);
        activity?.SetTag("autopilot.semantic.open_ms", Math.Round(semantic.OpenTime.TotalMilliseconds));
        activity?.SetTag("autopilot.semantic.analysis_ms", Math.Round(semantic.AnalysisTime.TotalMilliseconds));
        activity?.SetTag("autopilot.semantic.fallbacks", semantic.Warnings.Count);
        var uses = report.BannedApiUses.Where(u => !semantic.AnalysedPaths.Contains(u.Location.Path)).Concat(semantic.Uses).ToList();
        uses.Sort((a, b) => string.CompareOrdinal(a.Location.ToString(), b.Location.ToString()) is var c && c != 0 ? c : string.CompareOrdinal(a.Entry, b.Entry));
        var findings = CSharpRules.Evaluate(report with { BannedApiUses = uses }, rules, workOrderSymbols).ToList();
        findings.AddRange(semantic.Warnings);
        return findings;
    }
}
