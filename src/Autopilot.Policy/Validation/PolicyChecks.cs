namespace Autopilot.Policy.Validation;

/// <summary>
/// Checks that need engines this netstandard2.0 assembly does not carry (JavaScript, JSON Schema).
/// The runtime passes real ones; the generator passes none and leaves those checks to lint.
/// Each returns null when the text is fine, otherwise what is wrong.
/// </summary>
public sealed class PolicyChecks
{
    public static readonly PolicyChecks None = new();

    /// <summary>
    /// For a text that passed every check before (the built-in default that was compiled in, a policy cache entry that
    /// was stored only after a clean load): its command patterns, which cost milliseconds each to build on the
    /// non-backtracking engine, are not compiled again here; the runtime builds each on first use.
    /// </summary>
    public static readonly PolicyChecks AlreadyChecked = new() { CompileCommandPatterns = false };

    /// <summary>
    /// For the policy whose gates and packs were compiled into the caller by the source generator (its hash says so):
    /// its tests lint it with every check, so the validator does not run again on each load.
    /// </summary>
    public static readonly PolicyChecks CompiledIn = new() { Validate = false, CompileCommandPatterns = false };

    /// <summary>Run the validator (true unless the text is the one compiled in).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>Compile every <c>argsRegex</c> and <c>argAt</c> regex to check it (true unless the text was checked before).</summary>
    public bool CompileCommandPatterns { get; init; } = true;

    public System.Func<string, string?>? Predicate { get; init; }

    public System.Func<string, string?>? JsonSchema { get; init; }

    /// <summary>The time now, for warnings about exceptions that expire soon (lint passes one; the generator none).</summary>
    public System.Func<System.DateTimeOffset>? Clock { get; init; }
}
