using Autopilot.Core.Actions;
using Autopilot.Core.Shell;
using Autopilot.Policy.Packs;

namespace Autopilot.Core.Effects;

/// <summary>One pack effect entry, its conditions and target selection compiled; <see cref="Apply"/> adds the effects it yields.</summary>
internal sealed class CompiledEffect
{
    private readonly EffectDef _def;
    private readonly NameSet? _ifArgs;
    private readonly NameSet? _ifNotArgs;
    private readonly (string Flag, Glob[] Values)[] _flagValues;
    private readonly bool _isFile;
    private readonly bool _alwaysRecursive;

    public CompiledEffect(EffectDef def)
    {
        _def = def;
        _ifArgs = def.IfArgs.Count == 0 ? null : NameSet.Create(def.IfArgs.Select(ArgumentPattern));
        _ifNotArgs = def.IfNotArgs.Count == 0 ? null : NameSet.Create(def.IfNotArgs.Select(ArgumentPattern));
        _flagValues = [.. def.IfFlagValues.Select(fv => (fv.Flag, fv.Values.Select(v => Glob.Compile(ArgumentPattern(v), ignoreCase: true)).ToArray()))];
        _isFile = EffectNames.IsFile(def.Effect);
        _alwaysRecursive = def.Recursive.Contains("always");
    }

    /// <summary>
    /// Argument patterns are globs whose <c>*</c> matches any text, <c>/</c> included (arguments are URLs, SQL and
    /// configuration values as often as paths): written with the path glob's <c>**</c>.
    /// </summary>
    private static string ArgumentPattern(string pattern) => pattern.Replace("**", "*", StringComparison.Ordinal).Replace("*", "**", StringComparison.Ordinal);

    /// <param name="words">Operands that are the subcommand's words (not targets).</param>
    public void Apply(Invocation inv, Arguments args, int words, string pack, List<Effect> effects)
    {
        var operands = args.Operands;
        if (!Holds(args, operands, words))
        {
            return;
        }

        var recursive = _alwaysRecursive || AnyFlag(args, _def.Recursive);
        var template = new Effect(_def.Effect, inv)
        {
            Recursive = recursive,
            Within = _def.Within,
            Reason = _def.Reason,
            Alternative = _def.Alternative,
            Pack = pack,
            Location = _def.Location,
        };

        if (_def.Effect.StartsWith("net.", StringComparison.Ordinal) || _def.Method is not null || _def.MethodFlags.Count > 0)
        {
            template = template with { Method = MethodOf(args), Host = HostOf(operands, words) };
        }

        if (!_isFile && _def.Targets == "none" && _def.TargetFlags.Count == 0 && _def.TargetPrefix is null)
        {
            effects.Add(template);
            return;
        }

        var added = false;
        void Add(string target, bool unknown)
        {
            effects.Add(template with { Target = target, TargetUnknown = unknown || IsRunTimeTarget(target) });
            added = true;
        }

        var skip = _def.Skip > 0 && !AnyFlag(args, _def.NoSkipWith) ? _def.Skip : 0;
        var first = Math.Min(operands.Count, words + skip);
        var count = operands.Count - first;
        switch (_def.Targets)
        {
            case "operands":
                for (var i = first; i < operands.Count; i++)
                {
                    AddOperand(operands[i]);
                }

                break;
            case "first" when count > 0:
                AddOperand(operands[first]);
                break;
            case "last" when count > 0:
                AddOperand(operands[^1]);
                break;
            case "all-but-last" when count > 1:
                for (var i = first; i < operands.Count - 1; i++)
                {
                    AddOperand(operands[i]);
                }

                break;
            case "stdin":
                Add("(standard input)", unknown: true);
                break;
        }

        foreach (var flag in _def.TargetFlags)
        {
            foreach (var (name, value) in args.Values)
            {
                if (name == flag && value.Length > 0 && !ActionClassifier.IsSpecialFile(value))
                {
                    Add(value, unknown: false);
                }
            }
        }

        if (_def.TargetPrefix is { } prefix)
        {
            for (var i = words; i < operands.Count; i++)
            {
                if (operands[i].StartsWith(prefix, StringComparison.Ordinal) && operands[i].Length > prefix.Length)
                {
                    Add(operands[i][prefix.Length..], unknown: false);
                }
            }
        }

        // Arguments added at run time (xargs, parallel, find -exec {}) are targets nobody can see.
        if (_def.Targets is "operands" or "first" or "last" or "all-but-last" && (inv.Context & InvocationContext.DynamicArgs) != 0)
        {
            Add($"(arguments added at run time by {inv.WrappedBy ?? "a wrapper"})", unknown: true);
        }

        if (!added && !_isFile)
        {
            effects.Add(template);
        }

        void AddOperand(string operand)
        {
            if (operand.Length > 0 && !ActionClassifier.IsSpecialFile(operand))
            {
                Add(operand, unknown: false);
            }
        }
    }

    private bool Holds(Arguments args, List<string> operands, int words)
    {
        if (_def.IfFlags.Count > 0 && !AnyFlag(args, _def.IfFlags))
        {
            return false;
        }

        if (_def.IfNotFlags.Count > 0 && AnyFlag(args, _def.IfNotFlags))
        {
            return false;
        }

        if (_def.IfOperands is { } io && (io == "none") != (operands.Count <= words))
        {
            return false;
        }

        if (_ifArgs is not null && !AnyOperand(_ifArgs, operands, words))
        {
            return false;
        }

        if (_ifNotArgs is not null && AnyOperand(_ifNotArgs, operands, words))
        {
            return false;
        }

        if (_flagValues.Length > 0)
        {
            var any = false;
            foreach (var (flag, globs) in _flagValues)
            {
                foreach (var (name, value) in args.Values)
                {
                    if (name == flag && globs.Any(g => g.IsMatch(value)))
                    {
                        any = true;
                    }
                }
            }

            if (!any)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyOperand(NameSet set, List<string> operands, int words)
    {
        for (var i = words; i < operands.Count; i++)
        {
            if (set.Contains(operands[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyFlag(Arguments args, IReadOnlyList<string> flags)
    {
        foreach (var flag in flags)
        {
            if (args.HasFlag(flag))
            {
                return true;
            }
        }

        return false;
    }

    private string? MethodOf(Arguments args)
    {
        if (_def.Method is { } method)
        {
            return method;
        }

        foreach (var flag in _def.MethodFlags)
        {
            foreach (var (name, value) in args.Values)
            {
                if (name == flag)
                {
                    return value.ToUpperInvariant();
                }
            }
        }

        return "GET";
    }

    /// <summary>local when the first URL or host operand names this machine; remote otherwise (also when none is written).</summary>
    private static string HostOf(List<string> operands, int words)
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

    private static bool LooksLikeHost(string text) =>
        text.StartsWith("localhost", StringComparison.Ordinal) || text.StartsWith("127.0.0.1", StringComparison.Ordinal)
        || (text.Contains('.') && !text.StartsWith('.') && !text.StartsWith('/') && !text.Contains(' ') && text.Split('/')[0].Contains('.') && !text.StartsWith('@'));

    /// <summary>A target known only when the command runs: an expansion, a substitution, a placeholder, or a glob at / or ~.</summary>
    internal static bool IsRunTimeTarget(string target)
    {
        if (target.StartsWith("$HOME", StringComparison.Ordinal) || target.StartsWith("${HOME}", StringComparison.Ordinal))
        {
            // The home folder is known: $HOME/x is ~/x.
            target = "~" + target[(target[1] == '{' ? 7 : 5)..];
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
