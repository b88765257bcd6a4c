namespace Autopilot.Core.Leases;

public sealed record LeaseOptions
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static LeaseOptions Default { get; } = new();

    /// <summary>The default lease folder for a repository: <c>&lt;repo&gt;/.autopilot/leases</c>.</summary>
    public static string DefaultDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".autopilot", "leases");
}
