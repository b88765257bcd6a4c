namespace Autopilot.Core.Ledger;

public sealed record LedgerOptions
{
    /// <summary>How long an append waits for another process's batch before it fails.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock that stamps entries (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public static LedgerOptions Default { get; } = new();

    /// <summary>The default ledger folder for a repository: <c>&lt;repo&gt;/.autopilot/ledger</c>.</summary>
    public static string DefaultDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".autopilot", "ledger");
}
