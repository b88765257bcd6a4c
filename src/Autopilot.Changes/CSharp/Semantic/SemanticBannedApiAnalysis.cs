using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// Symbol-accurate banned-API analysis of a change: opens the projects that own the changed .cs files with
/// MSBuildWorkspace, binds the new version of each file (the change's new text in the project's compilation)
/// and the old one (the base text in a forked solution), and reports the uses that are new, per entry and
/// containing member. It fails closed: a file it cannot analyse (no dotnet host, no owning project, a project
/// that does not load, code that does not compile) gets a <see cref="FallbackRuleId"/> warning saying why, and
/// is left out of <see cref="SemanticBannedApiResult.AnalysedPaths"/> so the caller matches it by syntax instead.
/// </summary>
internal sealed class SemanticBannedApiAnalysis(SemanticOptions options)
{
    /// <summary>The warning that says a file fell back to syntax matching.</summary>
    public const string FallbackRuleId = RuleIds.CSharpSemantic;

    public SemanticBannedApiResult Analyze(IReadOnlyList<CSharpFileChange> files, IReadOnlyList<BannedApiEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(entries);

        // An unchanged text cannot gain a use; with nothing banned there is nothing to look for.
        var changed = files.Where(f => !string.Equals(f.OldText, f.NewText, StringComparison.Ordinal)).ToList();
        var matcher = new BannedSymbolMatcher(entries);
        if (changed.Count == 0 || matcher.IsEmpty)
        {
            return new SemanticBannedApiResult();
        }

        var warnings = new List<Finding>();
        if (DotnetHost.Find(options.Environment, options.ProcessPath) is null)
        {
            return FallBack(changed, warnings, "the dotnet host was not found (DOTNET_HOST_PATH, DOTNET_ROOT or PATH); MSBuildWorkspace needs it to load projects");
        }

        var root = Path.GetFullPath(options.RepositoryRoot);
        var finder = new ProjectFinder(root);
        var owned = new List<OwnedFile>();
        foreach (var file in changed)
        {
            var fullPath = Path.GetFullPath(Path.Combine(root, file.Path));
            var projects = finder.Find(fullPath);
            if (projects.Count == 0)
            {
                warnings.Add(Warning(file.Path, "no project file (*.csproj) in its folder or above it in the repository owns it"));
            }
            else
            {
                owned.Add(new OwnedFile(file, fullPath, projects));
            }
        }

        if (owned.Count == 0)
        {
            return new SemanticBannedApiResult { Warnings = warnings };
        }

        if (MSBuildRegistration.Ensure() is { } registrationError)
        {
            return FallBack(owned.Select(o => o.File), warnings, registrationError);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            // Off the caller's synchronization context: the workspace awaits freely.
            var result = Task.Run(() => SemanticWorkspace.AnalyzeAsync(owned, matcher, timeout.Token), timeout.Token).GetAwaiter().GetResult();
            return result with { Warnings = [.. warnings, .. result.Warnings] };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FallBack(owned.Select(o => o.File), warnings, $"opening and binding the projects took longer than {options.Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The workspace fails in many ways (build host, MSBuild evaluation, RPC): each is a reason to fall back.
            return FallBack(owned.Select(o => o.File), warnings, $"MSBuildWorkspace failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    internal static Finding Warning(string path, string why) => new(
        FallbackRuleId,
        Severity.Warning,
        $"Semantic banned-API analysis was not possible for {path}: {why}. Syntax matching was used instead (a banned method counts with every overload; uses through variables are missed).",
        new SourceLocation(path, 1, 1));

    private static SemanticBannedApiResult FallBack(IEnumerable<CSharpFileChange> files, List<Finding> warnings, string why)
    {
        warnings.AddRange(files.Select(f => Warning(f.Path, why)));
        return new SemanticBannedApiResult { Warnings = warnings };
    }
}

/// <summary>A changed file, where it is on disk, and the project files that may own it.</summary>
internal sealed record OwnedFile(CSharpFileChange File, string FullPath, IReadOnlyList<string> Projects);
