namespace Autopilot.Core.Effects;

/// <summary>
/// An invocation's arguments split the way its pack describes them: flags (combined short flags also split:
/// <c>-rf</c> gives <c>-rf</c>, <c>-r</c>, <c>-f</c>), the values of flags that take one (<c>-X DELETE</c>,
/// <c>--request=DELETE</c>, <c>-XDELETE</c>), and operands (everything else, and everything after <c>--</c>).
/// </summary>
internal sealed class Arguments
{
    public List<string> Flags { get; } = [];

    public List<(string Flag, string Value)> Values { get; } = [];

    public List<string> Operands { get; } = [];

    /// <summary>True when <c>--</c> ended the options (it is then also in <see cref="Flags"/>, for conditions).</summary>
    public bool SawEndOfOptions { get; private set; }

    public bool HasFlag(string flag)
    {
        foreach (var f in Flags)
        {
            if (string.Equals(f, flag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static Arguments Split(IReadOnlyList<string> args, HashSet<string> valueFlags)
    {
        var result = new Arguments();
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (endOfOptions || arg.Length < 2 || arg[0] != '-')
            {
                result.Operands.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                endOfOptions = true;
                result.SawEndOfOptions = true;
                result.Flags.Add("--");
                continue;
            }

            var eq = arg.IndexOf('=');
            if (arg[1] == '-' || eq > 0)
            {
                // --name, --name=value, and single-dash long options written with '=' (-chdir=dir).
                var name = eq < 0 ? arg : arg[..eq];
                result.Flags.Add(name);
                if (eq >= 0)
                {
                    result.Values.Add((name, arg[(eq + 1)..]));
                }
                else if (valueFlags.Contains(name) && i + 1 < args.Count)
                {
                    result.Values.Add((name, args[++i]));
                }

                continue;
            }

            result.Flags.Add(arg);
            if (valueFlags.Contains(arg))
            {
                // -X VALUE, and single-dash long options that take a value (-var x).
                if (i + 1 < args.Count)
                {
                    result.Values.Add((arg, args[++i]));
                }

                continue;
            }

            // A cluster of short flags; a letter that takes a value takes the rest of the word or the next word.
            for (var j = 1; j < arg.Length; j++)
            {
                var flag = string.Concat("-", arg[j].ToString());
                if (arg.Length > 2)
                {
                    result.Flags.Add(flag);
                }

                if (valueFlags.Contains(flag))
                {
                    if (j + 1 < arg.Length)
                    {
                        result.Values.Add((flag, arg[(j + 1)..]));
                    }
                    else if (i + 1 < args.Count)
                    {
                        result.Values.Add((flag, args[++i]));
                    }

                    break;
                }
            }
        }

        return result;
    }
}
