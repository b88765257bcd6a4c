using System.Diagnostics;
using Autopilot.Core.Decisions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;
using Microsoft.CodeAnalysis.Text;

namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// The MSBuildWorkspace part of <see cref="SemanticBannedApiAnalysis"/>, apart so that no MSBuild type is
/// loaded before <see cref="MSBuildRegistration"/> has run.
/// </summary>
internal static class SemanticWorkspace
{
    private static readonly StringComparer s_paths = ProjectFinder.PathComparer;

    public static async Task<SemanticBannedApiResult> AnalyzeAsync(IReadOnlyList<OwnedFile> owned, BannedSymbolMatcher matcher, CancellationToken cancellationToken)
    {
        // Design-time builds write generated files (AssemblyInfo, global usings) to the intermediate folder and
        // create the output folder: folders of our own keep the repository untouched. Restore output
        // (obj/project.assets.json, under MSBuildProjectExtensionsPath) is still read from the project.
        var intermediate = Directory.CreateTempSubdirectory("autopilot-semantic-");
        try
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["IntermediateOutputPath"] = Path.Combine(intermediate.FullName, "obj") + Path.DirectorySeparatorChar,
                ["OutputPath"] = Path.Combine(intermediate.FullName, "bin") + Path.DirectorySeparatorChar,
            };
            using var workspace = MSBuildWorkspace.Create(properties);
            var failures = new List<string>();
            workspace.WorkspaceFailed += (_, e) =>
            {
                if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
                {
                    lock (failures)
                    {
                        failures.Add(e.Diagnostic.Message);
                    }
                }
            };

            var clock = Stopwatch.StartNew();
            var projectErrors = new Dictionary<string, string>(s_paths);
            var projectPaths = owned.SelectMany(o => o.Projects).Distinct(s_paths).ToList();
            foreach (var projectPath in projectPaths)
            {
                // Opening a project opens what it references: it may be here already.
                if (workspace.CurrentSolution.Projects.Any(p => s_paths.Equals(p.FilePath, projectPath)))
                {
                    continue;
                }

                int before;
                lock (failures)
                {
                    before = failures.Count;
                }

                try
                {
                    await workspace.OpenProjectAsync(projectPath, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    projectErrors[projectPath] = $"{Path.GetFileName(projectPath)} could not be opened ({ex.GetType().Name}: {ex.Message})";
                    continue;
                }

                lock (failures)
                {
                    if (failures.Count > before)
                    {
                        projectErrors[projectPath] = $"{Path.GetFileName(projectPath)} did not load cleanly ({string.Join("; ", failures.Skip(before).Take(3))})";
                    }
                }
            }

            var openTime = clock.Elapsed;
            clock.Restart();
            var warnings = new List<Finding>();
            var plans = Plan(workspace.CurrentSolution, owned, projectErrors, warnings);
            var (newSolution, oldSolution) = Versions(workspace.CurrentSolution, plans);

            var analysed = new HashSet<string>(StringComparer.Ordinal);
            var newHits = new List<BannedApiHit>();
            foreach (var group in plans.GroupBy(p => p.Project))
            {
                var compilation = await newSolution.GetProject(group.Key)!.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
                if (compilation is null || compilation.GetSpecialType(SpecialType.System_Object).TypeKind == TypeKind.Error)
                {
                    // No framework references: the project was not restored, or its SDK is missing.
                    var why = $"{Path.GetFileName(newSolution.GetProject(group.Key)!.FilePath)} has no resolved framework references (has it been restored?)";
                    warnings.AddRange(group.Select(p => SemanticBannedApiAnalysis.Warning(p.Owned.File.Path, why)));
                    continue;
                }

                foreach (var plan in group)
                {
                    if (plan.NewDocument is not { } documentId)
                    {
                        analysed.Add(plan.Owned.File.Path); // deleted: nothing new can be in it
                        continue;
                    }

                    var model = await newSolution.GetDocument(documentId)!.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                    var errors = model!.GetDiagnostics(cancellationToken: cancellationToken)
                        .Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError)
                        .ToList();
                    if (errors.Count > 0)
                    {
                        var why = $"it does not compile ({string.Join("; ", errors.Take(3).Select(Describe))}{(errors.Count > 3 ? $"; {errors.Count - 3} more" : "")}){RestoreHint(newSolution.GetProject(group.Key)!, errors)}";
                        warnings.Add(SemanticBannedApiAnalysis.Warning(plan.Owned.File.Path, why));
                        continue;
                    }

                    newHits.AddRange(SemanticBannedApiScanner.Scan(model, plan.Owned.File.Path, matcher, cancellationToken));
                    analysed.Add(plan.Owned.File.Path);
                }
            }

            // The base version, bound in the base solution: code that does not compile there only makes the
            // comparison less exact, and always towards reporting more.
            var oldHits = new List<BannedApiHit>();
            foreach (var plan in plans.Where(p => p.OldDocument is not null && analysed.Contains(p.Owned.File.Path)))
            {
                var model = await oldSolution.GetDocument(plan.OldDocument!)!.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                oldHits.AddRange(SemanticBannedApiScanner.Scan(model!, plan.Owned.File.Path, matcher, cancellationToken));
            }

            return new SemanticBannedApiResult
            {
                Uses = CSharpChangeAnalyzer.NewBannedUses(oldHits, newHits),
                AnalysedPaths = analysed,
                Warnings = warnings,
                Projects = projectPaths,
                OpenTime = openTime,
                AnalysisTime = clock.Elapsed,
            };
        }
        finally
        {
            try
            {
                intermediate.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Which project and document each file is in; files of projects that did not load get a warning instead.</summary>
    private static List<FilePlan> Plan(Solution solution, IReadOnlyList<OwnedFile> owned, Dictionary<string, string> projectErrors, List<Finding> warnings)
    {
        var plans = new List<FilePlan>();
        foreach (var file in owned)
        {
            if (file.Projects.Select(p => projectErrors.GetValueOrDefault(p)).FirstOrDefault(e => e is not null) is { } error)
            {
                warnings.Add(SemanticBannedApiAnalysis.Warning(file.File.Path, error));
                continue;
            }

            // A multi-targeting project is one Project per target framework: the first that has the file will do.
            var candidates = solution.Projects.Where(p => p.FilePath is not null && file.Projects.Contains(p.FilePath, s_paths)).ToList();
            var document = candidates.SelectMany(p => p.Documents).FirstOrDefault(d => s_paths.Equals(d.FilePath, file.FullPath));
            var project = document?.Project ?? candidates.FirstOrDefault();
            if (project is null)
            {
                warnings.Add(SemanticBannedApiAnalysis.Warning(file.File.Path, $"{Path.GetFileName(file.Projects[0])} was not loaded"));
                continue;
            }

            plans.Add(new FilePlan(file, project.Id, document?.Id));
        }

        return plans;
    }

    /// <summary>The solution after the change (the change's new texts) and before it (the base texts).</summary>
    private static (Solution New, Solution Old) Versions(Solution solution, List<FilePlan> plans)
    {
        Solution newSolution = solution, oldSolution = solution;
        foreach (var plan in plans)
        {
            (newSolution, plan.NewDocument) = WithText(newSolution, plan, plan.Owned.File.NewText);
            (oldSolution, plan.OldDocument) = WithText(oldSolution, plan, plan.Owned.File.OldText);
        }

        return (newSolution, oldSolution);
    }

    // The workspace read the files on disk; the change's texts win (a staged or committed version may differ).
    private static (Solution, DocumentId?) WithText(Solution solution, FilePlan plan, string? text)
    {
        if (text is null)
        {
            return (plan.Document is { } existing ? solution.RemoveDocument(existing) : solution, null);
        }

        var source = SourceText.From(text, System.Text.Encoding.UTF8);
        if (plan.Document is { } id)
        {
            return (solution.WithDocumentText(id, source, PreservationMode.PreserveIdentity), id);
        }

        var added = DocumentId.CreateNewId(plan.Project, plan.Owned.FullPath);
        return (solution.AddDocument(added, Path.GetFileName(plan.Owned.FullPath), source, filePath: plan.Owned.FullPath), added);
    }

    // Unresolved package types are the usual reason a project that builds does not bind here.
    private static string RestoreHint(Project project, List<Diagnostic> errors) =>
        errors.Any(e => e.Id is "CS0246" or "CS0234" or "CS0103" or "CS0012")
        && project.FilePath is { } path && !File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "obj", "project.assets.json"))
            ? $"; {Path.GetFileName(path)} has not been restored (no obj/project.assets.json): run dotnet restore first"
            : "";

    private static string Describe(Diagnostic diagnostic)
    {
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1;
        return $"{diagnostic.Id} at line {line}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private sealed class FilePlan(OwnedFile owned, ProjectId project, DocumentId? document)
    {
        public OwnedFile Owned { get; } = owned;

        public ProjectId Project { get; } = project;

        /// <summary>The document the workspace loaded from disk, if any.</summary>
        public DocumentId? Document { get; } = document;

        public DocumentId? NewDocument { get; set; }

        public DocumentId? OldDocument { get; set; }
    }
}
