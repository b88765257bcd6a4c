namespace Autopilot.Changes.Git;

/// <summary>
/// Runs the <c>git</c> command line in one repository: the seam of <see cref="GitChangeReader"/>, which reads what
/// <see cref="LibGit2ChangeReader"/> hands to git (and everything where libgit2 cannot load, and in the MSBuild task's
/// key). Implementations must never change the repository; callers only pass read commands.
/// </summary>
internal interface IGitRunner
{
    /// <summary>The directory git runs in (<c>git -C</c>).</summary>
    string WorkingDirectory { get; }

    /// <summary>Runs git to completion and returns its output; more than <paramref name="maxOutputBytes"/> is an error.</summary>
    GitResult Run(IReadOnlyList<string> arguments, long maxOutputBytes = 512L * 1024 * 1024);

    /// <summary>Starts git and hands out its standard output as a stream, for output too large to hold.</summary>
    GitOutputStream Start(IReadOnlyList<string> arguments);
}

/// <summary>A finished git command: exit code, standard output bytes and standard error text.</summary>
internal sealed record GitResult(int ExitCode, byte[] Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public string Text => System.Text.Encoding.UTF8.GetString(Output);
}
