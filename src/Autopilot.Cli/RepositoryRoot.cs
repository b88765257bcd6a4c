namespace Autopilot.Cli;

/// <summary>The repository a command works on (<see cref="Core.RepositoryRoot"/>, which hooks share).</summary>
internal static class RepositoryRoot
{
    public static string Find(string start) => Core.RepositoryRoot.Find(start);
}
