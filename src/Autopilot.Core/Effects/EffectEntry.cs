using Autopilot.Core.Actions;
using Autopilot.Core.Shell;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.Effects;

/// <summary>
/// The steps of applying one pack effect entry: its conditions on operands and flag values, and the choice of its
/// targets. <see cref="InterpretedEffect"/> (the interpreter) and the generated effect resolver call these same methods,
/// so the two can differ only in which steps they take, never in what a step does.
/// </summary>
internal static class EffectEntry
{
    /// <summary>True when <paramref name="word"/> is one of the arguments as written (every operand is one).</summary>
    public static bool Contains(IReadOnlyList<string> args, string word)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (string.Equals(args[i], word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where the targets start: after the subcommand's words and the skipped operands, at most at the end.</summary>
    public static int First(List<string> operands, int words, int skip) => Math.Min(operands.Count, words + skip);

    /// <summary>True when some operand after the subcommand's words matches one of <paramref name="patterns"/>.</summary>
    public static bool AnyOperand(List<string> operands, int words, string[] patterns)
    {
        for (var i = words; i < operands.Count; i++)
        {
            foreach (var pattern in patterns)
            {
                if (ArgumentPattern.IsMatch(pattern, operands[i]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when some value of <paramref name="flag"/> matches one of <paramref name="patterns"/>, ignoring case.</summary>
    public static bool AnyFlagValue(Arguments args, string flag, string[] patterns)
    {
        foreach (var (name, value) in args.Values)
        {
            if (string.Equals(name, flag, StringComparison.Ordinal))
            {
                foreach (var pattern in patterns)
                {
                    if (ArgumentPattern.IsMatch(pattern, value, ignoreCase: true))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>The first value of <paramref name="flag"/> in upper case (an HTTP method), or null when it has none.</summary>
    public static string? MethodFrom(Arguments args, string flag)
    {
        foreach (var (name, value) in args.Values)
        {
            if (string.Equals(name, flag, StringComparison.Ordinal))
            {
                return value.ToUpperInvariant();
            }
        }

        return null;
    }

    /// <summary>local when the first URL or host operand names this machine; remote otherwise (also when none is written).</summary>
    public static string HostOf(List<string> operands, int words)
    {
        for (var i = words; i < operands.Count; i++)
        {
            var text = operands[i];
            var scheme = text.IndexOf("://", StringComparison.Ordinal);
            var start = scheme >= 0 ? scheme + 3 : 0;
            if (scheme < 0 && !LooksLikeHost(text))
            {
                continue;
            }

            var end = text.IndexOfAny(['/', '?', '#'], start);
            var authority = end < 0 ? text[start..] : text[start..end];
            var at = authority.LastIndexOf('@');
            if (at >= 0)
            {
                authority = authority[(at + 1)..];
            }

            var host = authority.StartsWith('[') ? authority[..(authority.IndexOf(']') + 1)] : authority.Split(':')[0];
            return host is "localhost" or "127.0.0.1" or "[::1]" or "::1" or "0.0.0.0" || host.EndsWith(".localhost", StringComparison.Ordinal)
                ? "local"
                : "remote";
        }

        return "remote";
    }

    /// <summary>Adds the effect with this target (unknown when it is, or when it is known only at run time).</summary>
    public static void Add(List<Effect> effects, Effect template, string target, bool unknown) =>
        effects.Add(template with { Target = target, TargetUnknown = unknown || IsRunTimeTarget(target) });

    /// <summary>Adds the operands <paramref name="from"/> up to <paramref name="to"/> (exclusive) as targets; true when any was.</summary>
    public static bool AddOperands(List<Effect> effects, Effect template, List<string> operands, int from, int to)
    {
        var added = false;
        for (var i = from; i < to; i++)
        {
            added |= AddOperand(effects, template, operands[i]);
        }

        return added;
    }

    /// <summary>Adds one operand as a target unless it is empty or a special file (<c>/dev/null</c>, <c>-</c>).</summary>
    public static bool AddOperand(List<Effect> effects, Effect template, string operand)
    {
        if (operand.Length == 0 || ActionClassifier.IsSpecialFile(operand))
        {
            return false;
        }

        Add(effects, template, operand, unknown: false);
        return true;
    }

    /// <summary>Adds the values of <paramref name="flag"/> as targets (<c>curl -o FILE</c>), but not <c>-</c> or <c>/dev/null</c>.</summary>
    public static bool AddFlagValues(List<Effect> effects, Effect template, Arguments args, string flag)
    {
        var added = false;
        foreach (var (name, value) in args.Values)
        {
            if (name == flag && value.Length > 0 && !ActionClassifier.IsSpecialFile(value))
            {
                Add(effects, template, value, unknown: false);
                added = true;
            }
        }

        return added;
    }

    /// <summary>Adds the operands with <paramref name="prefix"/> as targets, without it (<c>dd of=FILE</c>).</summary>
    public static bool AddPrefixed(List<Effect> effects, Effect template, List<string> operands, int words, string prefix)
    {
        var added = false;
        for (var i = words; i < operands.Count; i++)
        {
            if (operands[i].StartsWith(prefix, StringComparison.Ordinal) && operands[i].Length > prefix.Length)
            {
                Add(effects, template, operands[i][prefix.Length..], unknown: false);
                added = true;
            }
        }

        return added;
    }

    /// <summary>Arguments added at run time (xargs, parallel, find -exec {}) are targets nobody can see.</summary>
    public static bool AddRunTimeArguments(List<Effect> effects, Effect template, Invocation inv)
    {
        if ((inv.Context & InvocationContext.DynamicArgs) == 0)
        {
            return false;
        }

        Add(effects, template, $"(arguments added at run time by {inv.WrappedBy ?? "a wrapper"})", unknown: true);
        return true;
    }

    private static bool LooksLikeHost(string text) =>
        text.StartsWith("localhost", StringComparison.Ordinal) || text.StartsWith("127.0.0.1", StringComparison.Ordinal)
        || (text.Contains('.') && !text.StartsWith('.') && !text.StartsWith('/') && !text.Contains(' ') && text.Split('/')[0].Contains('.') && !text.StartsWith('@'));

        /// <summary><c>tar czf x.tgz dir</c> is <c>tar -czf x.tgz dir</c>: a first argument of letters only is a flag bundle.</summary>
        public static IReadOnlyList<string> OldStyle(IReadOnlyList<string> args)
        {
            if (args.Count == 0 || args[0].Length == 0 || args[0][0] == '-' || !args[0].All(char.IsAsciiLetter))
            {
                return args;
            }

            var copy = new string[args.Count];
            copy[0] = "-" + args[0];
            for (var i = 1; i < copy.Length; i++)
            {
                copy[i] = args[i];
            }

            return copy;
        }

    /// <summary>The value of <c>NAME=value</c> as the one operand of an environment entry, for conditions on it.</summary>
    public static Arguments AssignedValue(string assignment, int eq, HashSet<string> noValueFlags) =>
        Arguments.Split(eq < 0 ? [] : ["--", assignment[(eq + 1)..]], noValueFlags);

    private static readonly string[] s_homeForms = ["${HOME}", "$HOME"];

    /// <summary>A target known only when the command runs: an expansion, a substitution, a placeholder, or a glob at / or ~.</summary>
    public static bool IsRunTimeTarget(string target)
    {
        // The home folder is known: $HOME/x and ${HOME}/x are ~/x ($HOMEDIR is another variable).
        foreach (var home in s_homeForms)
        {
            if (target.StartsWith(home, StringComparison.Ordinal) && (target.Length == home.Length || target[home.Length] == '/'))
            {
                target = "~" + target[home.Length..];
                break;
            }
        }

        if (target.Contains('$') || target.Contains('`') || target.Contains("{}", StringComparison.Ordinal) || target.Contains("{1}", StringComparison.Ordinal))
        {
            return true;
        }

        if (target.Length > 1 && target[0] == '~' && target[1] != '/')
        {
            // ~user: another user's home, resolved only on the machine.
            return true;
        }

        var rest = target.StartsWith("~/", StringComparison.Ordinal) ? target[2..] : target.StartsWith('/') ? target[1..] : null;
        if (rest is null)
        {
            return false;
        }

        var slash = rest.IndexOf('/');
        var first = slash < 0 ? rest : rest[..slash];
        return Glob.ContainsWildcards(first);
    }
}
