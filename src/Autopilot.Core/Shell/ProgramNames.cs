namespace Autopilot.Core.Shell;

/// <summary>Program identity and flag normalisation.</summary>
internal static class ProgramNames
{
    /// <summary>
    /// The program a command word names: the last path segment (<c>/bin/rm</c> → <c>rm</c>,
    /// <c>./x/rm</c> → <c>rm</c>). Quotes and escapes are already gone from <paramref name="word"/>.
    /// </summary>
    public static string Normalize(string word)
    {
        var end = word.Length;
        while (end > 1 && word[end - 1] == '/')
        {
            end--;
        }

        var slash = word.LastIndexOf('/', end - 1);
        if (slash < 0)
        {
            return end == word.Length ? word : word[..end];
        }

        return end - slash - 1 == 0 ? word : word.Substring(slash + 1, end - slash - 1);
    }

    /// <summary>
    /// Splits <paramref name="args"/> into flags and positionals. Flags are recognised anywhere before
    /// <c>--</c> (GNU tools permute them): <c>-rf</c> gives <c>-rf</c>, <c>-r</c>, <c>-f</c>;
    /// <c>--force=x</c> gives <c>--force</c>. Values of known global options of <paramref name="program"/>
    /// (<c>git -C dir</c>) are not positionals.
    /// </summary>
    public static void SplitFlags(string program, IReadOnlyList<string> args, List<string> flags, List<string> positionals)
    {
        var globalValueOptions = GlobalValueOptions(program);
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (endOfOptions || arg.Length < 2 || arg[0] != '-')
            {
                positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                endOfOptions = true;
                continue;
            }

            if (arg[1] == '-')
            {
                var eq = arg.IndexOf('=');
                var name = eq < 0 ? arg : arg[..eq];
                flags.Add(name);
                if (eq < 0 && positionals.Count == 0 && i + 1 < args.Count && Contains(globalValueOptions, name))
                {
                    i++;
                }

                continue;
            }

            flags.Add(arg);
            if (arg.Length > 2)
            {
                for (var j = 1; j < arg.Length; j++)
                {
                    if (arg[j] == '=')
                    {
                        break;
                    }

                    flags.Add(ShortFlag(arg[j]));
                }
            }
            else if (positionals.Count == 0 && i + 1 < args.Count && Contains(globalValueOptions, arg))
            {
                i++;
            }
        }
    }

    private static bool Contains(string[] list, string value)
    {
        foreach (var item in list)
        {
            if (item == value)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Options written before a subcommand that take the next word as their value.</summary>
    private static readonly string[] s_gitValueOptions = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"];
    private static readonly string[] s_dockerValueOptions = ["-H", "--host", "-c", "--context", "--config", "-l", "--log-level"];
    private static readonly string[] s_kubectlValueOptions = ["-n", "--namespace", "--context", "--kubeconfig", "-s", "--server", "--cluster", "--user"];
    private static readonly string[] s_helmValueOptions = ["-n", "--namespace", "--kube-context", "--kubeconfig"];
    private static readonly string[] s_npmValueOptions = ["--prefix", "-w", "--workspace", "-C", "--dir", "--cwd"];
    private static readonly string[] s_cargoValueOptions = ["-Z", "--config", "-C"];

    private static string[] GlobalValueOptions(string program) => program switch
    {
        "git" => s_gitValueOptions,
        "docker" or "podman" => s_dockerValueOptions,
        "kubectl" or "oc" => s_kubectlValueOptions,
        "helm" => s_helmValueOptions,
        "npm" or "pnpm" or "yarn" => s_npmValueOptions,
        "cargo" => s_cargoValueOptions,
        _ => [],
    };

    // "-a" .. "-z" and the other ASCII flag letters, made once: combined flags (-rf) split into them all the time.
    private static readonly string[] s_shortFlags = CreateShortFlags();

    private static string[] CreateShortFlags()
    {
        var flags = new string[128];
        for (var c = 0x21; c < 0x7F; c++)
        {
            flags[c] = string.Concat("-", ((char)c).ToString());
        }

        return flags;
    }

    private static string ShortFlag(char c) => c < 128 && s_shortFlags[c] is { } flag ? flag : string.Concat("-", c.ToString());
}
