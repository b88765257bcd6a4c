using Autopilot.Changes.ChangeSets;
using LibGit2Sharp;

namespace Autopilot.Changes.Git;

/// <summary>Which implementation of <see cref="IGitChangeReader"/> reads a repository.</summary>
public enum GitReaderKind
{
    /// <summary>libgit2 in-process, or the git command line when libgit2 cannot load or open the repository.</summary>
    Auto,

    /// <summary>libgit2 in-process only (the git command line still does the jobs libgit2 cannot do as git does).</summary>
    LibGit2,

    /// <summary>The git command line only.</summary>
    Cli,
}

/// <summary>The one place that chooses a git reader for a repository.</summary>
internal static class GitReaders
{
    /// <summary>The environment variable that chooses the reader when the caller does not (auto, libgit2, cli).</summary>
    public const string EnvironmentVariable = "AUTOPILOT_GIT_READER";

    /// <summary>Parses a reader name (auto, libgit2, cli; case-insensitive); null for anything else.</summary>
    public static GitReaderKind? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => GitReaderKind.Auto,
        "libgit2" or "libgit2sharp" => GitReaderKind.LibGit2,
        "cli" or "git" => GitReaderKind.Cli,
        _ => null,
    };

    /// <summary>
    /// Opens the repository that contains <paramref name="path"/>. With <see cref="GitReaderKind.Auto"/> (the
    /// environment variable may name another kind), libgit2 reads it unless its native library cannot load here
    /// (a package without runtimes/&lt;rid&gt;/native, an unsupported platform) or it cannot open this repository
    /// (an index or object format it does not know); then the git command line does, and
    /// <paramref name="fallbackReason"/> says why.
    /// </summary>
    public static IGitChangeReader Open(string path, GitReaderKind kind, out string? fallbackReason, ChangeSetLimits? limits = null)
    {
        fallbackReason = null;
        if (kind == GitReaderKind.Auto)
        {
            kind = Parse(Environment.GetEnvironmentVariable(EnvironmentVariable))
                ?? throw new ChangeSetException($"{EnvironmentVariable} must be auto, libgit2 or cli");
            if (kind == GitReaderKind.Auto)
            {
                try
                {
                    return LibGit2ChangeReader.Open(path, limits);
                }
                catch (Exception ex) when (IsLoadFailure(ex) || ex is LibGit2SharpException)
                {
                    fallbackReason = $"libgit2 could not read the repository ({FirstLine(ex.GetBaseException().Message)}); the git command line did";
                    return GitChangeReader.Open(path, limits);
                }
            }
        }

        return kind == GitReaderKind.LibGit2 ? OpenLibGit2(path, limits) : GitChangeReader.Open(path, limits);
    }

    /// <summary><see cref="Open(string, GitReaderKind, out string?, ChangeSetLimits?)"/> without the fallback reason.</summary>
    public static IGitChangeReader Open(string path, GitReaderKind kind = GitReaderKind.Auto, ChangeSetLimits? limits = null) =>
        Open(path, kind, out _, limits);

    private static LibGit2ChangeReader OpenLibGit2(string path, ChangeSetLimits? limits)
    {
        try
        {
            return LibGit2ChangeReader.Open(path, limits);
        }
        catch (LibGit2SharpException ex)
        {
            throw new ChangeSetException($"libgit2 cannot open '{path}': {ex.Message}", inner: ex);
        }
        catch (Exception ex) when (IsLoadFailure(ex))
        {
            throw new ChangeSetException($"libgit2's native library cannot load here ({FirstLine(ex.GetBaseException().Message)}): use --git-reader cli", inner: ex);
        }
    }

    // .NET's load failure lists every path it probed, one per line: the first sentence says enough.
    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>The native library is missing or does not fit this platform.</summary>
    private static bool IsLoadFailure(Exception ex) =>
        ex is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException;
}
