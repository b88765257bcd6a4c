using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Ledger;

/// <summary>
/// What a caller asks the ledger to record. The store adds the sequence number, the time and the
/// chain hashes and returns the finished <see cref="LedgerEntry"/>.
/// </summary>
public sealed record LedgerAppend
{
    public required string Actor { get; init; }

    public required LedgerEntryKind Kind { get; init; }

    public string? Task { get; init; }

    public string? FromPhase { get; init; }

    public string? ToPhase { get; init; }

    public Verdict? Verdict { get; init; }

    public IReadOnlyList<string> RuleIds { get; init; } = [];

    public string? PolicyHash { get; init; }

    /// <summary>Evidence file name → lower-case hex SHA-256 of its content.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = LedgerEntry.NoEvidence;

    /// <summary>
    /// When set, an append with a key the ledger already holds records nothing and returns the
    /// first entry with that key (retries after a crash or a timeout stay single).
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Free-form JSON object; null when there is nothing to add.</summary>
    public JsonElement? Details { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the field that the file format cannot hold.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Actor))
        {
            throw new ArgumentException("a ledger entry needs an actor", nameof(Actor));
        }

        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"unknown entry kind {(int)Kind}", nameof(Kind));
        }

        if (Verdict is { } verdict && !Enum.IsDefined(verdict))
        {
            throw new ArgumentException($"unknown verdict {(int)verdict}", nameof(Verdict));
        }

        foreach (var pair in Evidence)
        {
            if (!Storage.DurableFile.IsSha256Hex(pair.Value))
            {
                throw new ArgumentException($"evidence '{pair.Key}' must carry a lower-case hex SHA-256, got '{pair.Value}'", nameof(Evidence));
            }
        }

        if (Details is { } details && details.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"details must be a JSON object, got {details.ValueKind}", nameof(Details));
        }

        if (IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("an idempotency key must not be empty", nameof(IdempotencyKey));
        }
    }
}
