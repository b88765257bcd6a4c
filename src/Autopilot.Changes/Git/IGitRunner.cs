namespace Autopilot.Changes.Git;

/// <summary>
/// Runs the <c>git</c> command line in one repository: our own seam in place of a git library (LibGit2Sharp is
/// not available here). Implementations must never change the repository; callers only pass read commands.
/// </summary>
public interface IGitRunner
{
    /// <summary>The directory git runs in (<c>git -C</c>).</summary>
    string WorkingDirectory { get; }

    /// <summary>Runs git to completion and returns its output; more than <paramref name="maxOutputBytes"/> is an error.</summary>
    GitResult Run(IReadOnlyList<string> arguments, long maxOutputBytes = 512L * 1024 * 1024);

    /// <summary>Starts git and hands out its standard output as a stream, for output too large to hold.</summary>
    GitOutputStream Start(IReadOnlyList<string> arguments);
}

/// <summary>A finished git command: exit code, standard output bytes and standard error text.</summary>
public sealed record GitResult(int ExitCode, byte[] Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public string Text => System.Text.Encoding.UTF8.GetString(Output);
}
