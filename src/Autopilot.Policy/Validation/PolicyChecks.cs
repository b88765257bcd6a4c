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
    /// non-backtracking engine, are not compiled again here, nor its globs parsed twice; the runtime builds each pattern
    /// (the globs when the engine is built, a regex on first use), and a pattern that fails there fails the call closed.
    /// </summary>
    public static readonly PolicyChecks AlreadyChecked = new() { CheckPatterns = false };

    /// <summary>
    /// For the policy the source generator compiled into the caller (the built-in default, loaded from its compiled-in
    /// events): its tests lint it with every check, so the validator does not run again on each load.
    /// </summary>
    public static readonly PolicyChecks CompiledIn = new() { Validate = false };

    /// <summary>Run the validator (true unless the text is the one compiled in).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>
    /// Parse every glob and compile every regular expression to check it (true unless the text was checked before: these
    /// checks only find errors, and a text stored after a clean load has none).
    /// </summary>
    public bool CheckPatterns { get; init; } = true;

    public System.Func<string, string?>? Predicate { get; init; }

    public System.Func<string, string?>? JsonSchema { get; init; }

    /// <summary>The time now, for warnings about exceptions that expire soon (lint passes one; the generator none).</summary>
    public System.Func<System.DateTimeOffset>? Clock { get; init; }
}
