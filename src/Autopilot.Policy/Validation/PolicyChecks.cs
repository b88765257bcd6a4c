namespace Autopilot.Policy.Validation;

/// <summary>
/// Checks that need engines this netstandard2.0 assembly does not carry (JavaScript, JSON Schema).
/// The runtime passes real ones; the generator passes none and leaves those checks to lint.
/// Each returns null when the text is fine, otherwise what is wrong.
/// </summary>
public sealed class PolicyChecks
{
    public static readonly PolicyChecks None = new();

    public System.Func<string, string?>? Predicate { get; init; }

    public System.Func<string, string?>? JsonSchema { get; init; }

    /// <summary>The time now, for warnings about exceptions that expire soon (lint passes one; the generator none).</summary>
    public System.Func<System.DateTimeOffset>? Clock { get; init; }
}
