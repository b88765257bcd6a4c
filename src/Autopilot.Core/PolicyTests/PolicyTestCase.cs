using Autopilot.Policy.Model;

namespace Autopilot.Core.PolicyTests;

/// <summary>One case of a <c>*.policy.tests.yaml</c> file: input facts and the expected answer.</summary>
public sealed record PolicyTestCase
{
    public string Name { get; init; } = "";

    /// <summary>transition, autonomy, escalation, failure, tool or command: which question the case asks.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The input facts, by name (task, from, to, level, risk, phase, tool, command, kind, message, retries, signals.*).</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

    /// <summary>Evidence files to create for a transition case: path under the task's folder → content.</summary>
    public IReadOnlyDictionary<string, string> EvidenceFiles { get; init; } = new Dictionary<string, string>();

    public string? ExpectVerdict { get; init; }

    /// <summary>Rule ids the findings must carry, exactly (order does not matter); null means not checked.</summary>
    public IReadOnlyList<string>? ExpectRules { get; init; }

    /// <summary>For failure cases: whether the failure should be retried.</summary>
    public bool? ExpectRetry { get; init; }

    public SourceLocation Location { get; init; } = new("", 1, 1);
}

/// <summary>The outcome of one case: passed, or what was expected against what came.</summary>
/// <param name="Decision">The decision the case got, when it asked a deciding question (for coverage).</param>
/// <param name="FailureClass">The failure class a failure case was classified as (for coverage).</param>
public sealed record PolicyTestOutcome(PolicyTestCase Case, bool Passed, string Expected, string Actual, string? Error = null, Decisions.Decision? Decision = null, string? FailureClass = null);
