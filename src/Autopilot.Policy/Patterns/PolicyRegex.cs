using System;
using System.Text.RegularExpressions;

namespace Autopilot.Policy.Patterns;

/// <summary>
/// How a policy's regular expressions compile, in one place, so that lint and the runtime agree on what is valid.
/// <list type="bullet">
/// <item><see cref="ForCommands"/>: patterns over what an agent sends (<c>argsRegex</c>, <c>argAt.regex</c>) run on the
/// non-backtracking engine: linear time on hostile input, so backreferences, lookarounds and atomic groups are not
/// available and are a lint error.</item>
/// <item><see cref="ForText"/>: patterns over tool output and file content (failure classes, secrets rules) run on the
/// backtracking engine with a time-out.</item>
/// </list>
/// </summary>
internal static class PolicyRegex
{
    /// <summary>The time-out of a text pattern's match.</summary>
    public static readonly TimeSpan TextTimeout = TimeSpan.FromMilliseconds(250);

    // RegexOptions.NonBacktracking (.NET 7+). This assembly targets netstandard2.0 for the generator's sake; on a runtime
    // without the engine (the compiler on .NET Framework) the pattern is checked on the backtracking engine instead.
    private const RegexOptions NonBacktracking = (RegexOptions)1024;

    /// <summary>A pattern over command arguments: culture-invariant, non-backtracking.</summary>
    /// <exception cref="ArgumentException">The pattern does not compile, or uses a construct the non-backtracking engine lacks.</exception>
    public static Regex ForCommands(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | NonBacktracking);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"{e.Message} (command patterns run on the non-backtracking engine: no backreferences, lookarounds or atomic groups)", e);
        }
        catch (ArgumentOutOfRangeException) when (!SupportsNonBacktracking)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
    }

    /// <summary>A pattern over text (tool output, file lines): culture-invariant, backtracking, with <see cref="TextTimeout"/>.</summary>
    /// <exception cref="ArgumentException">The pattern does not compile.</exception>
    public static Regex ForText(string pattern) => new(pattern, RegexOptions.CultureInvariant, TextTimeout);

    /// <summary>Why <paramref name="pattern"/> cannot be used as <paramref name="kind"/>, or null when it can.</summary>
    public static string? Problem(string pattern, PolicyRegexKind kind)
    {
        try
        {
            _ = kind == PolicyRegexKind.Commands ? ForCommands(pattern) : ForText(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private static bool SupportsNonBacktracking { get; } = Enum.IsDefined(typeof(RegexOptions), NonBacktracking);
}

/// <summary>What a policy pattern is matched against, which decides the engine it runs on (<see cref="PolicyRegex"/>).</summary>
internal enum PolicyRegexKind
{
    /// <summary>Command arguments an agent sends: non-backtracking.</summary>
    Commands,

    /// <summary>Tool output and file content: backtracking with a time-out.</summary>
    Text,
}
