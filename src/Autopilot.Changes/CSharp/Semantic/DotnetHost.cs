namespace Autopilot.Changes.CSharp.Semantic;

/// <summary>
/// Finds the <c>dotnet</c> host that MSBuildWorkspace needs: it evaluates projects in build-host processes
/// started with <c>dotnet</c>. Looked for where the .NET tooling looks: DOTNET_HOST_PATH, the running host,
/// DOTNET_ROOT, then PATH.
/// </summary>
internal static class DotnetHost
{
    public static string? Find(Func<string, string?> environment, string? processPath)
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (environment("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (processPath is not null && string.Equals(Path.GetFileName(processPath), executable, StringComparison.OrdinalIgnoreCase) && File.Exists(processPath))
        {
            return processPath;
        }

        if (environment("DOTNET_ROOT") is { Length: > 0 } root && Path.Combine(root, executable) is var rooted && File.Exists(rooted))
        {
            return rooted;
        }

        foreach (var folder in (environment("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var candidate = Path.Combine(folder, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
