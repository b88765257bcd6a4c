namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// Turns on symbol-accurate banned-API analysis (<c>autopilot gate --semantic</c>): the projects that own the
/// changed files are opened with MSBuildWorkspace and every use is bound to its symbol.
/// </summary>
/// <param name="RepositoryRoot">The folder the change's paths are relative to; project files are looked for up to it.</param>
internal sealed record SemanticOptions(string RepositoryRoot)
{
    /// <summary>How long opening the projects and binding may take before the analysis falls back to syntax.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Where the <c>dotnet</c> host is looked for; the process environment unless a test says otherwise.</summary>
    internal Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The running executable (a <c>dotnet</c> host runs the build hosts too); null to ignore it.</summary>
    internal string? ProcessPath { get; init; } = System.Environment.ProcessPath;
}
