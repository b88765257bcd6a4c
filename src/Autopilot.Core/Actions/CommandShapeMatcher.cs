using System.Text.RegularExpressions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Shell;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.Actions;

/// <summary>
/// The values a command matcher looked at while it decided: the argument and the flag. A rule's message names them
/// (<c>{arg}</c>, <c>{flag}</c>, with <c>{program}</c> and <c>{rawProgram}</c>), so "chmod mode not allowed, got: {arg}"
/// reads "got: 777". Under <c>not</c>, the values are those the nested matcher failed on.
/// </summary>
internal struct MatchValues
{
    public string? Arg;
    public string? Flag;

    /// <summary>True when a <c>rawPrograms</c> matcher judged the program as written.</summary>
    public bool RawProgramJudged;

    /// <summary>Takes the values this one has not got from <paramref name="other"/>: a rule's own matchers speak before its <c>not</c>.</summary>
    public void Complete(in MatchValues other)
    {
        Arg ??= other.Arg;
        Flag ??= other.Flag;
        RawProgramJudged |= other.RawProgramJudged;
    }

    /// <summary>The rule's message with its placeholders filled for <paramref name="invocation"/>.</summary>
    public readonly string Fill(string message, Invocation invocation) =>
        message.IndexOf('{') < 0
            ? message
            : MessageTemplate.Fill(message, ("program", invocation.Program), ("rawProgram", invocation.RawProgram), ("arg", Arg ?? "(none)"), ("flag", Flag ?? "(none)"));
}

/// <summary>
/// The matchers of a <see cref="CommandMatchDef"/> over the shape of an invocation: the program as written, flag
/// globs, leading words, arguments by position and count, path arguments outside the workspace, and <c>not</c>.
/// Flags and positionals are separate facts here: only <c>flags</c> looks at flags, the others at positionals.
/// Null from <see cref="Create"/> when the matcher uses none of them, so rules without them pay nothing.
/// </summary>
internal sealed class CommandShapeMatcher
{
    private readonly NameSet _rawPrograms;
    private readonly NameSet _flags;
    private readonly Glob[][] _words;
    private readonly int _mostWords;
    private readonly ArgAt[] _argAt;
    private readonly int _minArgs;
    private readonly int _maxArgs;
    private readonly bool _pathArgsOutside;
    private readonly PathGlobSet? _workspaceExtra;
    private readonly CompiledCommandRule[] _not;

    private CommandShapeMatcher(CommandMatchDef match, RiskRuleDef rule, int riskIndex, string risk, PathGlobSet? workspaceExtra)
    {
        _rawPrograms = NameSet.Create(match.RawPrograms.Select(p => p.Value));
        _flags = NameSet.Create(match.Flags.Select(f => f.Value));
        _words = [.. match.Words.Select(w => w.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(g => Glob.Compile(g)).ToArray())];
        _mostWords = _words.Length == 0 ? 0 : _words.Max(w => w.Length);
        _argAt = [.. match.ArgAt.Select(a => new ArgAt(a, rule))];
        _minArgs = match.MinArgs ?? 0;
        _maxArgs = match.MaxArgs ?? int.MaxValue;
        _pathArgsOutside = match.PathArgs switch
        {
            null => false,
            "outside" => true,
            var other => throw new ArgumentException($"pathArgs '{other}' is not 'outside'"),
        };
        _workspaceExtra = workspaceExtra;
        _not = [.. match.Not.Select(n => new CompiledCommandRule(rule, n, riskIndex, risk, workspaceExtra))];
    }

    public static CommandShapeMatcher? Create(CommandMatchDef match, RiskRuleDef rule, int riskIndex, string risk, PathGlobSet? workspaceExtra) =>
        match.RawPrograms.Count == 0 && match.Flags.Count == 0 && match.Words.Count == 0 && match.ArgAt.Count == 0
            && match.MinArgs is null && match.MaxArgs is null && match.PathArgs is null && match.Not.Count == 0
            ? null
            : new CommandShapeMatcher(match, rule, riskIndex, risk, workspaceExtra);

    /// <summary>True when every given matcher takes the invocation; <paramref name="detail"/> says what matched, for the reason.</summary>
    public bool TryMatch(InvocationView view, ref MatchValues values, out string? detail)
    {
        var inv = view.Invocation;
        var positionals = inv.Positionals;
        detail = null;
        if (positionals.Count < _minArgs || positionals.Count > _maxArgs)
        {
            return false;
        }

        if (!_rawPrograms.IsEmpty)
        {
            values.RawProgramJudged = true;
            if (!_rawPrograms.Contains(inv.RawProgram))
            {
                return false;
            }

            detail = $"program written '{inv.RawProgram}'";
        }

        if (!_flags.IsEmpty)
        {
            var flag = FirstFlag(inv.Flags);
            if (flag is null)
            {
                return false;
            }

            values.Flag ??= flag;
            detail = $"flag '{flag}'";
        }

        if (_words.Length > 0)
        {
            if (!MatchWords(positionals, ref values, out var words))
            {
                return false;
            }

            detail = $"words '{words}'";
        }

        foreach (var argAt in _argAt)
        {
            var value = argAt.ValueIn(positionals);
            values.Arg ??= value;
            if (value is null || !argAt.Matches(value))
            {
                return false;
            }

            detail = $"argument '{value}'";
        }

        if (_pathArgsOutside)
        {
            var outside = FirstPathOutside(view);
            if (outside is null)
            {
                return false;
            }

            values.Arg ??= outside.Value.Written;
            detail = $"argument '{outside.Value.Written}' ({outside.Value.Where})";
        }

        if (_not.Length > 0)
        {
            var inner = default(MatchValues);
            foreach (var not in _not)
            {
                var failed = default(MatchValues);
                if (not.TryMatch(view, ref failed, out _))
                {
                    return false;
                }

                inner.Complete(failed);
            }

            values.Complete(inner);
            detail ??= inner.Arg is not null ? $"argument '{inner.Arg}'"
                : inner.Flag is not null ? $"flag '{inner.Flag}'"
                : inner.RawProgramJudged ? $"program written '{inv.RawProgram}'"
                : null;
        }

        detail ??= _minArgs > 0 || _maxArgs < int.MaxValue ? $"{positionals.Count} argument{(positionals.Count == 1 ? "" : "s")}" : null;
        return true;
    }

    private string? FirstFlag(IReadOnlyList<string> flags)
    {
        for (var i = 0; i < flags.Count; i++)
        {
            if (_flags.Contains(flags[i]))
            {
                return flags[i];
            }
        }

        return null;
    }

    /// <summary>
    /// The positionals' words (a positional with spaces gives its words) must start with one entry's globs. On a miss,
    /// the value is the first word no entry took (what "got: ..." should name); on a match, the words matched.
    /// </summary>
    private bool MatchWords(IReadOnlyList<string> positionals, ref MatchValues values, out string matched)
    {
        var words = Words(positionals, _mostWords);
        var best = 0;
        foreach (var entry in _words)
        {
            var n = 0;
            while (n < entry.Length && n < words.Count && entry[n].IsMatch(words[n]))
            {
                n++;
            }

            if (n == entry.Length)
            {
                matched = string.Join(' ', words.Take(n));
                values.Arg ??= matched;
                return true;
            }

            best = Math.Max(best, n);
        }

        values.Arg ??= best < words.Count ? words[best] : null;
        matched = "";
        return false;
    }

    /// <summary>The first <paramref name="max"/> words of the positionals, each positional split at white space.</summary>
    private static List<string> Words(IReadOnlyList<string> positionals, int max)
    {
        var words = new List<string>(max);
        for (var i = 0; i < positionals.Count && words.Count < max; i++)
        {
            var p = positionals[i];
            if (p.AsSpan().IndexOfAny(" \t\n") < 0)
            {
                words.Add(p);
                continue;
            }

            foreach (var w in p.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (words.Count < max)
                {
                    words.Add(w);
                }
            }
        }

        return words;
    }

    /// <summary>
    /// The first positional (or the value of its <c>x=value</c> form) that looks like a path and lies outside the
    /// workspace and its extra paths, resolved as the classifier resolves file arguments (lexically: <c>~</c>,
    /// <c>$HOME</c>, <c>..</c>, the working directory). A path that starts with another variable or with another
    /// user's <c>~name</c> cannot be placed, so it counts as outside.
    /// </summary>
    private (string Written, string Where)? FirstPathOutside(InvocationView view)
    {
        var positionals = view.Invocation.Positionals;
        for (var i = 0; i < positionals.Count; i++)
        {
            var p = positionals[i];
            var eq = p.IndexOf('=');
            var candidate = eq > 0 && p.IndexOf('/', 0, eq) < 0 ? p[(eq + 1)..] : p;
            if (!LooksLikePath(candidate) || ActionClassifier.IsSpecialFile(candidate))
            {
                continue;
            }

            if (candidate[0] is '$' or '~' && PathForms.HomePrefixLength(candidate) == 0)
            {
                // $DIR/x, ~other/x: where it points is known only at run time, so it is not taken as inside.
                return (p, "a place known only at run time");
            }

            var bases = view.Paths;
            var absolute = PathForms.ToAbsolute(candidate, bases.Cwd, bases.Home);
            if (PathForms.Relative(absolute, bases.Root) is not null)
            {
                continue;
            }

            var tilde = PathForms.TildeForm(absolute, bases.Home);
            if (_workspaceExtra is not null && (_workspaceExtra.Matches(absolute) || (tilde is not null && _workspaceExtra.Matches(tilde))))
            {
                continue;
            }

            return (p, $"outside the workspace: {absolute}");
        }

        return null;
    }

    /// <summary>Absolute, <c>~</c>, <c>$HOME</c>, <c>.</c>, <c>..</c> and anything else with a <c>/</c> that is not a URL.</summary>
    internal static bool LooksLikePath(string s) =>
        s.Length > 0
        && (s is "." or ".." || s[0] is '/' or '~' || PathForms.HomePrefixLength(s) > 0
            || (s.Contains('/') && !s.Contains("://", StringComparison.Ordinal)));

    /// <summary>One <c>argAt</c> entry: the positional at an index (negative from the end) must match its globs and its regex.</summary>
    private sealed class ArgAt
    {
        private readonly int _index;
        private readonly NameSet _globs;
        private readonly Lazy<Regex>? _regex;

        public ArgAt(ArgAtDef def, RiskRuleDef rule)
        {
            _index = def.Index;
            _globs = NameSet.Create(def.Globs.Select(g => g.Value));
            if (def.Regex is { } pattern)
            {
                _regex = new Lazy<Regex>(() => CompiledCommandRule.Compile(rule, "argAt regex", pattern.Value));
            }
        }

        public string? ValueIn(IReadOnlyList<string> positionals)
        {
            var i = _index < 0 ? positionals.Count + _index : _index;
            return i >= 0 && i < positionals.Count ? positionals[i] : null;
        }

        public bool Matches(string value) => (_globs.IsEmpty || _globs.Contains(value)) && (_regex is null || _regex.Value.IsMatch(value));
    }
}
