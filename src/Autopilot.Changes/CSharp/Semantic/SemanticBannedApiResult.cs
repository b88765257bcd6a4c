using Autopilot.Core.Decisions;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>What the semantic banned-API analysis found, where it could look, and why it could not elsewhere.</summary>
internal sealed record SemanticBannedApiResult
{
    /// <summary>New uses of banned APIs in <see cref="AnalysedPaths"/>, counted per entry and member like syntax mode.</summary>
    public IReadOnlyList<BannedApiUse> Uses { get; init; } = [];

    /// <summary>Changed files whose uses were found semantically; the others need syntax matching.</summary>
    public IReadOnlySet<string> AnalysedPaths { get; init; } = new HashSet<string>();

    /// <summary>One warning per changed file that could not be analysed semantically, saying why.</summary>
    public IReadOnlyList<Finding> Warnings { get; init; } = [];

    /// <summary>The project files that were opened.</summary>
    public IReadOnlyList<string> Projects { get; init; } = [];

    /// <summary>Time to open the projects with MSBuildWorkspace.</summary>
    public TimeSpan OpenTime { get; init; }

    /// <summary>Time to compile, bind and compare the changed files once the projects were open.</summary>
    public TimeSpan AnalysisTime { get; init; }
}
