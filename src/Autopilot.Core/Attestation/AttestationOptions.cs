namespace Autopilot.Core.Attestation;

public sealed record AttestationOptions
{
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static AttestationOptions Default { get; } = new();

    /// <summary>The default attestation folder for a repository: <c>&lt;repo&gt;/.autopilot/attestations</c>.</summary>
    public static string DefaultDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".autopilot", "attestations");
}
