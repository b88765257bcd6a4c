using Autopilot.Core.Actions;
using Autopilot.Core.Shell;
using Autopilot.Policy.Packs;

namespace Autopilot.Core.Effects;

/// <summary>
/// One pack effect entry, interpreted: its conditions and target selection, read from the entry on each
/// <see cref="Apply"/>. The steps themselves are <see cref="EffectEntry"/>'s, shared with the generated resolver.
/// </summary>
internal sealed class InterpretedEffect
{
    private readonly EffectDef _def;
    private readonly string[] _ifArgs;
    private readonly string[] _ifNotArgs;
    private readonly (string Flag, string[] Patterns)[] _flagValues;
    private readonly bool _isFile;
    private readonly bool _alwaysRecursive;
    private readonly bool _hasMethod;

    public InterpretedEffect(EffectDef def)
    {
        _def = def;
        _ifArgs = [.. def.IfArgs];
        _ifNotArgs = [.. def.IfNotArgs];
        _flagValues = [.. def.IfFlagValues.Select(fv => (fv.Flag, fv.Values.ToArray()))];
        _isFile = EffectNames.IsFile(def.Effect);
        _alwaysRecursive = def.Recursive.Contains("always");
        _hasMethod = def.Effect.StartsWith("net.", StringComparison.Ordinal) || def.Method is not null || def.MethodFlags.Count > 0;
    }

    /// <param name="words">Operands that are the subcommand's words (not targets).</param>
    public void Apply(Invocation inv, Arguments args, int words, string pack, List<Effect> effects)
    {
        var operands = args.Operands;
        if (!Holds(args, operands, words))
        {
            return;
        }

        var template = new Effect(_def.Effect, inv)
        {
            Recursive = _alwaysRecursive || AnyFlag(args, _def.Recursive),
            Within = _def.Within,
            Method = _hasMethod ? MethodOf(args) : null,
            Host = _hasMethod ? EffectEntry.HostOf(operands, words) : null,
            Reason = _def.Reason,
            Alternative = _def.Alternative,
            Pack = pack,
            Location = _def.Location,
        };

        if (!_isFile && _def.Targets == "none" && _def.TargetFlags.Count == 0 && _def.TargetPrefix is null)
        {
            effects.Add(template);
            return;
        }

        var skip = _def.Skip > 0 && !AnyFlag(args, _def.NoSkipWith) ? _def.Skip : 0;
        var first = EffectEntry.First(operands, words, skip);
        var added = false;
        switch (_def.Targets)
        {
            case "operands":
                added |= EffectEntry.AddOperands(effects, template, operands, first, operands.Count);
                break;
            case "first" when operands.Count > first:
                added |= EffectEntry.AddOperand(effects, template, operands[first]);
                break;
            case "last" when operands.Count > first:
                added |= EffectEntry.AddOperand(effects, template, operands[^1]);
                break;
            case "all-but-last":
                added |= EffectEntry.AddOperands(effects, template, operands, first, operands.Count - 1);
                break;
            case "stdin":
                EffectEntry.Add(effects, template, "(standard input)", unknown: true);
                added = true;
                break;
        }

        foreach (var flag in _def.TargetFlags)
        {
            added |= EffectEntry.AddFlagValues(effects, template, args, flag);
        }

        if (_def.TargetPrefix is { } prefix)
        {
            added |= EffectEntry.AddPrefixed(effects, template, operands, words, prefix);
        }

        if (_def.Targets is "operands" or "first" or "last" or "all-but-last")
        {
            added |= EffectEntry.AddRunTimeArguments(effects, template, inv);
        }

        if (!added && !_isFile)
        {
            effects.Add(template);
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

        if (_ifArgs.Length > 0 && !EffectEntry.AnyOperand(operands, words, _ifArgs))
        {
            return false;
        }

        if (_ifNotArgs.Length > 0 && EffectEntry.AnyOperand(operands, words, _ifNotArgs))
        {
            return false;
        }

        if (_flagValues.Length > 0)
        {
            foreach (var (flag, patterns) in _flagValues)
            {
                if (EffectEntry.AnyFlagValue(args, flag, patterns))
                {
                    return true;
                }
            }

            return false;
        }

        return true;
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

    private string MethodOf(Arguments args)
    {
        if (_def.Method is { } method)
        {
            return method;
        }

        foreach (var flag in _def.MethodFlags)
        {
            if (EffectEntry.MethodFrom(args, flag) is { } value)
            {
                return value;
            }
        }

        return "GET";
    }
}
