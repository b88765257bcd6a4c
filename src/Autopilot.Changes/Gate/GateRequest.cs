using Autopilot.Changes.Rules;

namespace Autopilot.Changes.Gate;

/// <summary>Which change to judge. Exactly one source: a unified diff, the index, a commit range, or the working tree (the default).</summary>
public sealed record GateRequest
{
    public string RepositoryRoot { get; init; } = ".";

    /// <summary>The branch or commit to compare with; default: the merge base with the default branch.</summary>
    public string? Base { get; init; }

    /// <summary>A commit to judge (with <see cref="Base"/>: the range base...head).</summary>
    public string? Head { get; init; }

    public bool Staged { get; init; }

    /// <summary>Unified diff text (from a file or stdin) instead of git.</summary>
    public string? DiffText { get; init; }

    /// <summary>Where the diff text came from, for messages; and the folder holding the diff's base files, when known.</summary>
    public string DiffSource { get; init; } = "stdin";

    public ScopeFacts? Scope { get; init; }

    /// <summary>
    /// Match banned APIs by symbol (exact overloads, uses through variables) by opening the projects that own the changed
    /// files with MSBuildWorkspace; needs the dotnet SDK. Files it cannot open or bind fall back to syntax matching with a
    /// warning. Read by the gate's default analyses (<see cref="ChangeGate(Core.Policies.PolicyEngine, IReadOnlyList{IChangeAnalysis}?)"/> with none given).
    /// </summary>
    public bool Semantic { get; init; }

    /// <summary>How git is read: libgit2 in-process by default (the git command line where libgit2 cannot load or
    /// do the job, see <see cref="Git.LibGit2ChangeReader"/>), or the git command line only.</summary>
    public Git.GitReaderKind GitReader { get; init; }
}
