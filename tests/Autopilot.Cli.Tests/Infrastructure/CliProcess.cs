namespace Autopilot.Cli.Tests.Infrastructure;

/// <summary>Runs the real `autopilot` built next to this test assembly as a separate process.</summary>
public static class CliProcess
{
    public static string RepoRoot => TestProcess.RepoRoot;

    public static string CliDll => TestProcess.CliDll;

    public static ProcessResult Run(string workingDirectory, string? stdin, params string[] args) =>
        TestProcess.Run("dotnet", [CliDll, .. args], workingDirectory, timeoutMs: 120_000, stdin: stdin);
}
