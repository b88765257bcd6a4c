using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Policy.Validation;

/// <summary>The checks of a risk rule's command matcher (and of the <c>not</c> matchers nested in it), each at the place it was written.</summary>
internal static class CommandMatchChecks
{
    /// <summary>The names a risk rule's message may use; the matcher fills them in for the invocation it judged.</summary>
    public static readonly string[] Placeholders = ["program", "rawProgram", "arg", "flag"];

    private static readonly Regex s_placeholder = new(@"\{(?<name>[A-Za-z][A-Za-z0-9_]*)\}", RegexOptions.CultureInvariant);

    public static void Check(CommandMatchDef command, SourceLocation? ruleAt, Action<string, string, SourceLocation?> error, bool checkPatterns = true)
    {
        var at = command.Location ?? ruleAt;
        if (checkPatterns)
        {
            PolicyValidator.CheckGlobs(command.Programs, at, error);
            PolicyValidator.CheckGlobs(command.Args, at, error);
            PolicyValidator.CheckGlobs(command.RedirectTo, at, error);
        }

        if (checkPatterns && command.ArgsRegex is { } regex)
        {
            PolicyValidator.CheckRegex(regex, PolicyRegexKind.Commands, at, error);
        }

        if (checkPatterns)
        {
            CheckLocatedGlobs(command.RawPrograms, at, error);
            CheckLocatedGlobs(command.Flags, at, error);
        }

        foreach (var words in command.Words)
        {
            var parts = words.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                error(PolicyDiagnosticIds.InvalidValue, "An entry of 'words' is empty: write the words the positionals must start with.", words.Location ?? at);
            }

            if (checkPatterns)
            {
                PolicyValidator.CheckGlobs(parts, words.Location ?? at, error);
            }
        }

        foreach (var argAt in command.ArgAt)
        {
            if (checkPatterns)
            {
                CheckLocatedGlobs(argAt.Globs, argAt.Location ?? at, error);
            }

            if (checkPatterns && argAt.Regex is { } argRegex)
            {
                PolicyValidator.CheckRegex(argRegex.Value, PolicyRegexKind.Commands, argRegex.Location ?? argAt.Location ?? at, error);
            }
        }

        if (command.MinArgs is { } min && command.MaxArgs is { } max && min > max)
        {
            error(PolicyDiagnosticIds.Contradiction, $"minArgs ({min}) is above maxArgs ({max}): the matcher can never match.", at);
        }

        foreach (var not in command.Not)
        {
            if (IsEmpty(not))
            {
                error(PolicyDiagnosticIds.EmptyRule, "'not' is empty: an empty matcher matches every invocation, so the rule could never match.", not.Location ?? at);
            }

            Check(not, at, error, checkPatterns);
        }
    }

    /// <summary>A <c>{name}</c> in a risk rule's message that no matcher fills stays as written: a warning, since it is most likely a typo.</summary>
    public static void CheckMessage(RiskRuleDef risk, Action<string, string, SourceLocation?> warn)
    {
        if (risk.Message.IndexOf('{') < 0)
        {
            return;
        }

        foreach (Match m in s_placeholder.Matches(risk.Message))
        {
            var name = m.Groups["name"].Value;
            if (Array.IndexOf(Placeholders, name) >= 0)
            {
                continue;
            }

            var close = Loading.DidYouMean.Closest(name, Placeholders);
            warn(
                PolicyDiagnosticIds.InvalidValue,
                $"Risk rule '{risk.Id}': '{{{name}}}' in the message is not a placeholder ({string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}), so it stays as written.{(close is null ? "" : $" Did you mean '{{{close}}}'?")}",
                risk.Location);
        }
    }

    internal static bool IsEmpty(CommandMatchDef m) =>
        m.Programs.Count == 0 && m.Subcommands.Count == 0 && m.AnyFlags.Count == 0 && m.AllFlagGroups.Count == 0 && m.Args.Count == 0
        && m.ArgsRegex is null && m.RedirectTo.Count == 0 && m.PipeFrom.Count == 0 && m.Contexts.Count == 0 && m.RawPrograms.Count == 0
        && m.Flags.Count == 0 && m.Words.Count == 0 && m.ArgAt.Count == 0 && m.MinArgs is null && m.MaxArgs is null && m.PathArgs is null
        && m.Not.Count == 0;

    private static void CheckLocatedGlobs(IReadOnlyList<Located<string>> globs, SourceLocation? at, Action<string, string, SourceLocation?> error)
    {
        foreach (var glob in globs)
        {
            PolicyValidator.CheckGlobs([glob.Value], glob.Location ?? at, error);
        }
    }
}
