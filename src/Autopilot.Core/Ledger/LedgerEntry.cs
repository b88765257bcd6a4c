using System.Collections.ObjectModel;
using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Ledger;

/// <summary>
/// One line of the ledger: what happened (as in <see cref="LedgerAppend"/>) plus its place in the
/// chain. <see cref="Hash"/> is the SHA-256 of the entry's canonical form (see
/// <see cref="LedgerCanonicalForm"/>), which includes <see cref="PrevHash"/>.
/// </summary>
public sealed record LedgerEntry
{
    /// <summary>The previous hash of the first entry: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    internal static readonly IReadOnlyDictionary<string, string> NoEvidence = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>1 for the first entry, then one more for each entry.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the entry was written (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    public required string Actor { get; init; }

    public required LedgerEntryKind Kind { get; init; }

    public string? Task { get; init; }

    public string? FromPhase { get; init; }

    public string? ToPhase { get; init; }

    public Verdict? Verdict { get; init; }

    public IReadOnlyList<string> RuleIds { get; init; } = [];

    public string? PolicyHash { get; init; }

    /// <summary>Evidence file name → lower-case hex SHA-256.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = NoEvidence;

    public string? IdempotencyKey { get; init; }

    public JsonElement? Details { get; init; }

    public required string PrevHash { get; init; }

    public required string Hash { get; init; }
}
