using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Attestation;
using Autopilot.Core.Decisions;
using Autopilot.Core.Leases;
using Autopilot.Core.Ledger;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Gate;

/// <summary>
/// Autopilot's own state and caches under <c>.autopilot/</c> (ledger, leases, attestations, run signals, caches): written
/// by Autopilot itself, never judged by the gate. The team's policy (<c>.autopilot/policy.yaml</c>), work orders and
/// anything else under <c>.autopilot/</c> are changes like any other and stay judged.
/// </summary>
internal static class OwnState
{
    public const string RuleId = RuleIds.GateOwnState;

    /// <summary>The folders under <c>.autopilot/</c> that hold state and caches.</summary>
    public static IReadOnlyList<string> Folders { get; } =
    [
        ".autopilot/" + Path.GetFileName(LedgerOptions.DefaultDirectory("")),
        ".autopilot/" + Path.GetFileName(LeaseOptions.DefaultDirectory("")),
        ".autopilot/" + Path.GetFileName(AttestationOptions.DefaultDirectory("")),
        ".autopilot/signals",
        ".autopilot/cache",
    ];

    public static bool IsOwnState(string path) =>
        Folders.Any(folder => path.StartsWith(folder + "/", StringComparison.Ordinal));

    /// <summary>The change without Autopilot's state files, and an info finding naming what was left out (none when nothing was).</summary>
    public static (ChangeSet Changes, Finding? Note) Exclude(ChangeSet changes)
    {
        var own = changes.Files.Where(f => (f.OldPath is null || IsOwnState(f.OldPath)) && (f.NewPath is null || IsOwnState(f.NewPath))).ToList();
        if (own.Count == 0)
        {
            return (changes, null);
        }

        var shown = string.Join(", ", own.Take(3).Select(f => f.Path)) + (own.Count > 3 ? $" and {own.Count - 3} more" : "");
        return (changes.Without(own.Contains), new Finding(RuleId, Severity.Info, $"{own.Count} file(s) of Autopilot's own state were not judged ({shown})."));
    }
}
