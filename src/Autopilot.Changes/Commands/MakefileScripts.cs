using System.Text.RegularExpressions;

namespace Autopilot.Changes.Commands;

/// <summary>
/// The recipes of a Makefile. Each recipe line (with its continuations) is run by its own shell, so each is one
/// script; the <c>@</c>, <c>-</c> and <c>+</c> prefixes are dropped. Make expands its variables before the shell
/// sees the line: <c>$$</c> is <c>$</c>; <c>$@</c>, <c>$&lt;</c> and <c>$^</c> are the rule's target and
/// prerequisites when they are written plainly; a variable defined in the file with a plain value, and make's
/// own defaults (<c>$(MAKE)</c>, <c>$(RM)</c>, <c>$(CC)</c>, …), are their values; anything else
/// (<c>$(shell …)</c>, a variable from elsewhere) is unknown, as a shell variable is.
/// </summary>
internal static partial class MakefileScripts
{
    private static readonly Dictionary<string, string> s_defaults = new(StringComparer.Ordinal)
    {
        ["MAKE"] = "make",
        ["RM"] = "rm -f",
        ["CC"] = "cc",
        ["CXX"] = "g++",
        ["CPP"] = "cc -E",
        ["AR"] = "ar",
        ["AS"] = "as",
        ["LD"] = "ld",
        ["SHELL"] = "/bin/sh",
    };

    [GeneratedRegex(@"^(?:override\s+|export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*(?<op>:{1,3}=|\?=|\+=|!=|=)\s*(?<value>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"^(?<targets>[^:=#\t][^:=#]*?)\s*::?(?!=)\s*(?<prereqs>[^;#]*)")]
    private static partial Regex RuleLine();

    public static ExtractedScripts Extract(string path, string text)
    {
        var lines = CiScripts.SplitLines(text);
        var variables = Variables(lines);
        var folder = Path.GetDirectoryName(path)?.Replace('\\', '/');
        var scripts = new List<ShellScript>();
        string[]? rule = null;
        var inDefine = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (inDefine)
            {
                inDefine = !trimmed.StartsWith("endef", StringComparison.Ordinal);
                continue;
            }

            if (line.StartsWith('\t') && rule is not null)
            {
                var first = i;
                while (line.TrimEnd().EndsWith('\\') && i + 1 < lines.Length)
                {
                    line = lines[++i];
                }

                var builder = new ShellScriptBuilder();
                Recipe(builder, lines, first, i, variables, rule);
                if (builder.Length > 0)
                {
                    scripts.Add(builder.Build(path, $"recipe of '{rule[0]}'", ScriptHost.Checkout, string.IsNullOrEmpty(folder) ? null : folder));
                }

                continue;
            }

            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (IsConditional(trimmed))
            {
                // ifeq/ifdef/else/endif may sit between a rule's recipe lines: they do not end the recipe.
                continue;
            }

            if (trimmed.StartsWith("define ", StringComparison.Ordinal) || trimmed == "define")
            {
                (inDefine, rule) = (true, null);
            }
            else if (!Assignment().IsMatch(trimmed) && RuleLine().Match(line) is { Success: true } match)
            {
                // [target, first prerequisite, all prerequisites]
                var prereqs = match.Groups["prereqs"].Value.Split([' ', '\t', '|'], StringSplitOptions.RemoveEmptyEntries);
                rule = [match.Groups["targets"].Value.Split(' ', '\t')[0], prereqs.FirstOrDefault() ?? "", string.Join(' ', prereqs)];
            }
            else
            {
                rule = null;
            }
        }

        return new ExtractedScripts(scripts, []);
    }

    private static bool IsConditional(string line)
    {
        var word = line.Split([' ', '\t', '('], 2)[0];
        return word is "ifeq" or "ifneq" or "ifdef" or "ifndef" or "else" or "endif";
    }

    /// <summary>Variables the file defines with a value make need not expand (no <c>$</c>); a second definition makes one unknown.</summary>
    private static Dictionary<string, string?> Variables(string[] lines)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.StartsWith('\t') || Assignment().Match(line.Trim()) is not { Success: true } match)
            {
                continue;
            }

            var name = match.Groups["name"].Value;
            var value = match.Groups["value"].Value.Trim();
            var plain = match.Groups["op"].Value is not ("+=" or "!=") && !value.Contains('$') && !value.Contains('#') && !value.EndsWith('\\');
            variables[name] = variables.ContainsKey(name) || !plain ? null : value;
        }

        return variables;
    }

    private static void Recipe(ShellScriptBuilder builder, string[] lines, int first, int last, Dictionary<string, string?> variables, string[] rule)
    {
        for (var l = first; l <= last; l++)
        {
            var line = lines[l];
            var i = l == first || line.StartsWith('\t') ? 1 : 0;   // make drops a continuation line's leading tab
            if (l == first)
            {
                while (i < line.Length && line[i] is '@' or '-' or '+' or ' ' or '\t')
                {
                    i++;
                }
            }
            else
            {
                builder.AppendAt("\n", l, lines[l - 1].Length + 1);
            }

            while (i < line.Length)
            {
                if (line[i] != '$' || i + 1 >= line.Length)
                {
                    builder.Append(line[i], l + 1, i + 1);
                    i++;
                    continue;
                }

                var (name, length) = Reference(line, i);
                builder.AppendAt(Expand(name, variables, rule), l + 1, i + 1);
                i += length;
            }
        }
    }

    /// <summary>The make reference at <paramref name="at"/> (a <c>$</c>): its name (or body, for functions) and length.</summary>
    private static (string Name, int Length) Reference(string line, int at)
    {
        var c = line[at + 1];
        if (c is not ('(' or '{'))
        {
            return (c.ToString(), 2);
        }

        var close = c == '(' ? ')' : '}';
        var depth = 0;
        for (var i = at + 1; i < line.Length; i++)
        {
            if (line[i] == c)
            {
                depth++;
            }
            else if (line[i] == close && --depth == 0)
            {
                return (line[(at + 2)..i], i - at + 1);
            }
        }

        return (line[(at + 2)..], line.Length - at);
    }

    private static string Expand(string name, Dictionary<string, string?> variables, string[] rule)
    {
        switch (name)
        {
            case "$":
                return "$";
            case "@" when Plain(rule[0]):
                return rule[0];
            case "<" when Plain(rule[1]):
                return rule[1];
            case "^" when Plain(rule[2]):
                return rule[2];
        }

        if (variables.TryGetValue(name, out var value))
        {
            return value ?? Unknown(name);
        }

        return s_defaults.TryGetValue(name, out var builtIn) ? builtIn : Unknown(name);
    }

    private static bool Plain(string text) => text.Length > 0 && !text.Contains('%') && !text.Contains('$');

    /// <summary>A shell variable standing for a value known only when make runs.</summary>
    private static string Unknown(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var word = new string(chars, 0, Math.Min(chars.Length, 40)).Trim('_');
        return "${MAKE_" + (word.Length == 0 ? "VALUE" : word) + "}";
    }
}
