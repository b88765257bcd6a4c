using System.Buffers;
using System.Text.RegularExpressions;
using Autopilot.Core.Shell;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.Actions;

/// <summary>Names (programs, tools) matched exactly or by glob: exact names go in a hash set, globs in one regex.</summary>
internal sealed class NameSet
{
    private readonly HashSet<string>? _exact;
    private readonly Lazy<Regex>? _globs;

    private NameSet(HashSet<string>? exact, Lazy<Regex>? globs)
    {
        _exact = exact;
        _globs = globs;
    }

    public bool IsEmpty => _exact is null && _globs is null;

    /// <summary>Exact names when there are no globs, for indexing rules by program.</summary>
    public IReadOnlyCollection<string>? ExactOnly => _globs is null ? _exact : null;

    public static NameSet Create(IEnumerable<string> items)
    {
        HashSet<string>? exact = null;
        List<string>? globs = null;
        foreach (var item in items)
        {
            if (Glob.ContainsWildcards(item))
            {
                (globs ??= []).Add(item);
            }
            else
            {
                (exact ??= new HashSet<string>(StringComparer.Ordinal)).Add(item);
            }
        }

        return new NameSet(exact, globs is null ? null : Glob.ToLazyRegex(globs));
    }

    public bool Contains(string name) =>
        (_exact is not null && _exact.Contains(name)) || (_globs is not null && _globs.Value.IsMatch(name));
}

/// <summary>
/// Path globs: globs with a <c>/</c> match the whole path text; globs without one match the whole text
/// or its last segment (<c>.env</c> matches <c>config/.env</c>).
/// </summary>
internal sealed class PathGlobSet
{
    private readonly HashSet<string>? _exactFull;
    private readonly HashSet<string>? _exactName;
    private readonly Lazy<Regex>? _full;
    private readonly Lazy<Regex>? _name;

    // Every wildcard glob has a literal run that any path it matches must contain: a path holding none
    // of them cannot match a wildcard glob, and most paths are ruled out without running the regexes.
    private readonly SearchValues<string>? _requiredLiterals;

    private PathGlobSet(HashSet<string>? exactFull, HashSet<string>? exactName, Lazy<Regex>? full, Lazy<Regex>? name, SearchValues<string>? requiredLiterals)
    {
        _exactFull = exactFull;
        _exactName = exactName;
        _full = full;
        _name = name;
        _requiredLiterals = requiredLiterals;
    }

    public static PathGlobSet? Create(IEnumerable<string> globs)
    {
        HashSet<string>? exactFull = null;
        HashSet<string>? exactName = null;
        List<string>? full = null;
        List<string>? name = null;
        foreach (var g in globs)
        {
            var wild = Glob.ContainsWildcards(g);
            if (wild)
            {
                (full ??= []).Add(g);
            }
            else
            {
                (exactFull ??= new HashSet<string>(StringComparer.Ordinal)).Add(g);
            }

            if (!g.Contains('/'))
            {
                if (wild)
                {
                    (name ??= []).Add(g);
                }
                else
                {
                    (exactName ??= new HashSet<string>(StringComparer.Ordinal)).Add(g);
                }
            }
        }

        if (exactFull is null && full is null)
        {
            return null;
        }

        return new PathGlobSet(
            exactFull,
            exactName,
            full is null ? null : Glob.ToLazyRegex(full),
            name is null ? null : Glob.ToLazyRegex(name),
            full is null ? null : RequiredLiterals(full));
    }

    /// <summary>
    /// The longest literal run of each glob (text between <c>*</c>, <c>?</c> and <c>/</c>), which every path the
    /// glob matches contains verbatim; null when some glob has none or uses classes, braces or escapes.
    /// </summary>
    internal static SearchValues<string>? RequiredLiterals(IEnumerable<string> globs)
    {
        var literals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in globs)
        {
            if (g.AsSpan().IndexOfAny("[{\\") >= 0)
            {
                return null;
            }

            var best = "";
            var start = 0;
            for (var i = 0; i <= g.Length; i++)
            {
                if (i == g.Length || g[i] is '*' or '?' or '/')
                {
                    if (i - start > best.Length)
                    {
                        best = g[start..i];
                    }

                    start = i + 1;
                }
            }

            if (best.Length == 0)
            {
                return null;
            }

            literals.Add(best);
        }

        return literals.Count == 0 ? null : SearchValues.Create([.. literals], StringComparison.Ordinal);
    }

    public bool Matches(string text)
    {
        if (_exactFull is not null && _exactFull.Contains(text))
        {
            return true;
        }

        var wildcardsMayMatch = _requiredLiterals is null || text.AsSpan().ContainsAny(_requiredLiterals);
        if (wildcardsMayMatch && _full is not null && _full.Value.IsMatch(text))
        {
            return true;
        }

        if ((_exactName is null && _name is null) || text.IndexOf('/') < 0)
        {
            return false;
        }

        var name = FileName(text);
        return name.Length > 0
            && ((_exactName is not null && _exactName.GetAlternateLookup<ReadOnlySpan<char>>().Contains(name))
                || (wildcardsMayMatch && _name is not null && _name.Value.IsMatch(name)));
    }

    /// <summary><see cref="PathForms.FileName"/> without the copy.</summary>
    private static ReadOnlySpan<char> FileName(string path)
    {
        var end = path.Length;
        while (end > 1 && path[end - 1] == '/')
        {
            end--;
        }

        var slash = path.LastIndexOf('/', Math.Max(0, end - 1));
        return slash < 0 ? path.AsSpan(0, end) : path.AsSpan(slash + 1, end - slash - 1);
    }
}

/// <summary>The argument forms of one invocation, computed once and only when a rule asks for them.</summary>
/// <remarks>One view serves every invocation of a command in turn (<see cref="Reset"/>): its form list is reused.</remarks>
internal sealed class InvocationView(Invocation invocation, ActionContext context)
{
    private readonly List<(string Form, string Original)> _forms = [];
    private List<(string Form, string Original)>? _argForms;
    private string? _joinedArgs;
    private ActionClassifier.PathBase? _paths;

    public Invocation Invocation { get; private set; } = invocation;

    public ActionContext Context { get; } = context;

    /// <summary>Points the view at another invocation of the same command.</summary>
    public void Reset(Invocation next)
    {
        Invocation = next;
        _argForms = null;
        _joinedArgs = null;

        // _paths depends on the context only: it stays.
    }

    public string JoinedArgs => _joinedArgs ??= string.Join(' ', Invocation.Args);

    /// <summary>The context's home, workspace root and working directory in normal form, for path arguments.</summary>
    public ActionClassifier.PathBase Paths => _paths ??= new ActionClassifier.PathBase(Context);

    /// <summary>Each non-flag argument (and the value of <c>x=value</c> and <c>--opt=value</c>) in its written and normalised forms.</summary>
    public List<(string Form, string Original)> ArgForms
    {
        get
        {
            if (_argForms is not null)
            {
                return _argForms;
            }

            var forms = _forms;
            forms.Clear();
            forms.EnsureCapacity(Invocation.Positionals.Count);
            for (var pi = 0; pi < Invocation.Positionals.Count; pi++)
            {
                var p = Invocation.Positionals[pi];
                AddForms(forms, p, p);
                if (p.Contains('{'))
                {
                    // Brace expansion: rm -rf {/,x} deletes / too.
                    var expanded = new List<string>();
                    BraceExpand(p, expanded, 0);
                    foreach (var e in expanded)
                    {
                        if (e != p)
                        {
                            AddForms(forms, e, p);
                        }
                    }
                }

                var eq = p.IndexOf('=');
                if (eq > 0 && eq + 1 < p.Length)
                {
                    AddForms(forms, p[(eq + 1)..], p);
                }
            }

            for (var ai = 0; ai < Invocation.Args.Count; ai++)
            {
                var a = Invocation.Args[ai];
                if (a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=') is var eq and > 2 && eq + 1 < a.Length)
                {
                    AddForms(forms, a[(eq + 1)..], a);
                }
            }

            return _argForms = forms;
        }
    }

    private const int MaxBraceExpansions = 64;

    /// <summary>Expands <c>{a,b}</c> alternatives as bash does (up to <see cref="MaxBraceExpansions"/> results).</summary>
    internal static void BraceExpand(string word, List<string> results, int depth)
    {
        if (results.Count >= MaxBraceExpansions)
        {
            return;
        }

        for (var open = word.IndexOf('{'); open >= 0; open = word.IndexOf('{', open + 1))
        {
            var level = 0;
            var commas = new List<int>();
            var close = -1;
            for (var i = open + 1; i < word.Length && close < 0; i++)
            {
                switch (word[i])
                {
                    case '{':
                        level++;
                        break;
                    case '}' when level == 0:
                        close = i;
                        break;
                    case '}':
                        level--;
                        break;
                    case ',' when level == 0:
                        commas.Add(i);
                        break;
                }
            }

            if (close < 0 || commas.Count == 0)
            {
                continue;
            }

            var prefix = word[..open];
            var suffix = word[(close + 1)..];
            var start = open + 1;
            commas.Add(close);
            foreach (var end in commas)
            {
                var expanded = prefix + word[start..end] + suffix;
                if (depth < 8 && expanded.Contains('{'))
                {
                    BraceExpand(expanded, results, depth + 1);
                }
                else if (results.Count < MaxBraceExpansions)
                {
                    results.Add(expanded);
                }

                start = end + 1;
            }

            return;
        }

        results.Add(word);
    }

    private void AddForms(List<(string, string)> forms, string arg, string original)
    {
        forms.Add((arg, original));
        var normalized = NormalizeArgument(arg, Context);
        if (normalized is not null && normalized != arg)
        {
            forms.Add((normalized, original));
        }
    }

    /// <summary>
    /// The form rules see: <c>$HOME</c>, <c>${HOME}</c> and the home folder itself become <c>~</c>; absolute and
    /// <c>~</c> paths are lexically normalised (<c>/tmp/../</c> is <c>/</c>); relative paths that climb with <c>..</c>
    /// are resolved from the working directory. Null when there is nothing to change.
    /// </summary>
    internal static string? NormalizeArgument(string arg, ActionContext context)
    {
        if (arg.Length == 0)
        {
            return null;
        }

        var home = context.HomeDirectory.TrimEnd('/');
        var homePrefix = PathForms.HomePrefixLength(arg);
        string absolute;
        if (homePrefix > 0)
        {
            absolute = PathForms.Normalize((home.Length == 0 ? "" : home) + "/" + arg[homePrefix..]);
        }
        else if (arg[0] == '/')
        {
            absolute = PathForms.Normalize(arg);
        }
        else if (PathForms.HasParentSegment(arg))
        {
            absolute = PathForms.ToAbsolute(arg, context.WorkingDirectory ?? context.WorkspaceRoot, home);
        }
        else
        {
            return null;
        }

        if (home.Length > 1)
        {
            var tilde = PathForms.TildeForm(absolute, home);
            if (tilde is not null)
            {
                return tilde;
            }
        }

        return absolute;
    }
}

/// <summary>A <see cref="CommandMatchDef"/> compiled once: every given field must match (AND), any entry of a list (OR).</summary>
internal sealed class CompiledCommandRule
{
    private readonly NameSet _programs;
    private readonly string[][] _subcommands;
    private readonly HashSet<string>? _anyFlags;
    private readonly HashSet<string>[] _allFlagGroups;
    private readonly PathGlobSet? _args;
    private readonly Lazy<Regex>? _argsRegex;
    private readonly PathGlobSet? _redirectTo;
    private readonly NameSet _pipeFrom;
    private readonly InvocationContext _contexts;
    private readonly CommandShapeMatcher? _shape;

    /// <param name="workspaceExtra">Paths the policy counts as inside the workspace, for <see cref="CommandMatchDef.PathArgs"/>.</param>
    public CompiledCommandRule(RiskRuleDef rule, CommandMatchDef match, int riskIndex, string risk, PathGlobSet? workspaceExtra = null)
    {
        Rule = rule;
        RiskIndex = riskIndex;
        Risk = risk;
        _programs = NameSet.Create(match.Programs);
        _subcommands = new string[match.Subcommands.Count][];
        for (var i = 0; i < _subcommands.Length; i++)
        {
            _subcommands[i] = match.Subcommands[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }

        _anyFlags = match.AnyFlags.Count == 0 ? null : new HashSet<string>(match.AnyFlags, StringComparer.Ordinal);
        _allFlagGroups = new HashSet<string>[match.AllFlagGroups.Count];
        for (var i = 0; i < _allFlagGroups.Length; i++)
        {
            _allFlagGroups[i] = new HashSet<string>(match.AllFlagGroups[i], StringComparer.Ordinal);
        }

        _args = PathGlobSet.Create(match.Args);
        if (match.ArgsRegex is { Length: > 0 } pattern)
        {
            // Built on first use: a non-backtracking regex costs milliseconds to build and most calls never reach it.
            // The policy's validator compiled the same pattern the same way (PolicyRegex) before this plan existed.
            _argsRegex = new Lazy<Regex>(() => Compile(rule, "argsRegex", pattern));
        }

        _redirectTo = PathGlobSet.Create(match.RedirectTo);
        _pipeFrom = NameSet.Create(match.PipeFrom);
        foreach (var name in match.Contexts)
        {
            if (!InvocationContexts.TryParse(name, out var flag))
            {
                throw new ArgumentException($"risk rule '{rule.Id}'{At(rule)}: unknown context '{name}' (known: {string.Join(", ", InvocationContexts.Names)})");
            }

            _contexts |= flag;
        }

        _shape = CommandShapeMatcher.Create(match, rule, riskIndex, risk, workspaceExtra);
    }

    public RiskRuleDef Rule { get; }

    public int RiskIndex { get; }

    public string Risk { get; }

    /// <summary>Exact program names when the rule names programs without globs (to index rules by program).</summary>
    public IReadOnlyCollection<string>? ExactPrograms => _programs.IsEmpty ? null : _programs.ExactOnly;

    internal static string At(RiskRuleDef rule) => rule.Location is null ? "" : $" at {rule.Location}";

    /// <summary>A command pattern of <paramref name="rule"/>, compiled as <see cref="PolicyRegex.ForCommands"/> does; an error names the rule.</summary>
    internal static Regex Compile(RiskRuleDef rule, string what, string pattern)
    {
        try
        {
            return PolicyRegex.ForCommands(pattern);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"risk rule '{rule.Id}'{At(rule)}: {what} '{pattern}' is not a usable regex: {e.Message}", e);
        }
    }

    /// <summary>True when the rule names no program or its program list takes <paramref name="program"/>.</summary>
    public bool TakesProgram(string program) => _programs.IsEmpty || _programs.Contains(program);

    /// <summary>True when the invocation matches; <paramref name="detail"/> says what matched, for the reason.</summary>
    public bool TryMatch(InvocationView view, out string detail)
    {
        var values = default(MatchValues);
        return TryMatch(view, ref values, out detail);
    }

    /// <summary><see cref="TryMatch(InvocationView, out string)"/> that also collects the values looked at (see <see cref="MatchValues"/>).</summary>
    internal bool TryMatch(InvocationView view, ref MatchValues values, out string detail)
    {
        if (!TakesProgram(view.Invocation.Program))
        {
            detail = "";
            return false;
        }

        return TryMatchProgramTaken(view, ref values, out detail);
    }

    /// <summary><see cref="TryMatch(InvocationView, out string)"/> for an invocation whose program <see cref="TakesProgram"/> is known to take.</summary>
    public bool TryMatchProgramTaken(InvocationView view, out string detail)
    {
        var values = default(MatchValues);
        return TryMatchProgramTaken(view, ref values, out detail);
    }

    /// <summary>
    /// <see cref="TryMatchProgramTaken(InvocationView, out string)"/> that also gives the rule's message with its
    /// placeholders (<c>{program}</c>, <c>{rawProgram}</c>, <c>{arg}</c>, <c>{flag}</c>) filled for this invocation.
    /// </summary>
    public bool TryMatchProgramTaken(InvocationView view, out string detail, out string message)
    {
        var values = default(MatchValues);
        var matched = TryMatchProgramTaken(view, ref values, out detail);
        message = matched ? values.Fill(Rule.Message, view.Invocation) : "";
        return matched;
    }

    private bool TryMatchProgramTaken(InvocationView view, ref MatchValues values, out string detail)
    {
        var inv = view.Invocation;
        detail = "";

        if (_contexts != InvocationContext.None && (inv.Context & _contexts) == 0)
        {
            return false;
        }

        if (_subcommands.Length > 0 && !MatchSubcommand(inv.Positionals))
        {
            return false;
        }

        string? shapeDetail = null;
        if (_shape is not null && !_shape.TryMatch(view, ref values, out shapeDetail))
        {
            return false;
        }

        string? flagDetail = null;
        if (_anyFlags is not null)
        {
            flagDetail = FirstFlag(inv.Flags, _anyFlags);
            if (flagDetail is null)
            {
                return false;
            }

            values.Flag ??= flagDetail;
        }

        foreach (var group in _allFlagGroups)
        {
            var f = FirstFlag(inv.Flags, group);
            if (f is null)
            {
                return false;
            }

            values.Flag ??= f;

            flagDetail = flagDetail is null ? f : flagDetail + " " + f;
        }

        string? argDetail = null;
        if (_args is not null)
        {
            foreach (var (form, original) in view.ArgForms)
            {
                if (_args.Matches(form))
                {
                    values.Arg ??= original;
                    argDetail = form == original ? $"argument '{original}'" : $"argument '{original}' (= {form})";
                    break;
                }
            }

            if (argDetail is null)
            {
                return false;
            }
        }

        if (_argsRegex is not null)
        {
            string? hit = null;
            for (var ai = 0; ai < inv.Args.Count; ai++)
            {
                var a = inv.Args[ai];
                if (_argsRegex.Value.IsMatch(a))
                {
                    hit = a;
                    break;
                }
            }

            if (hit is null && inv.Args.Count > 1 && _argsRegex.Value.IsMatch(view.JoinedArgs))
            {
                hit = view.JoinedArgs;
            }

            if (hit is null && inv.InlineCode is not null && _argsRegex.Value.IsMatch(inv.InlineCode))
            {
                hit = inv.InlineCode;
            }

            if (hit is null)
            {
                return false;
            }

            values.Arg ??= hit;
            argDetail = argDetail is null ? $"argument '{Shorten(hit)}'" : argDetail;
        }

        string? redirectDetail = null;
        if (_redirectTo is not null)
        {
            for (var ri = 0; ri < inv.Redirections.Count; ri++)
            {
                var r = inv.Redirections[ri];
                if (!r.IsWrite)
                {
                    continue;
                }

                var normalized = InvocationView.NormalizeArgument(r.Target, view.Context);
                if (_redirectTo.Matches(r.Target) || (normalized is not null && _redirectTo.Matches(normalized)))
                {
                    redirectDetail = $"redirection '{r.Op} {r.Target}'";
                    break;
                }
            }

            if (redirectDetail is null)
            {
                return false;
            }
        }

        string? pipeDetail = null;
        if (!_pipeFrom.IsEmpty)
        {
            for (var pi = 0; pi < inv.PipelinePredecessors.Count; pi++)
            {
                var p = inv.PipelinePredecessors[pi];
                if (_pipeFrom.Contains(p))
                {
                    pipeDetail = $"'{p}' piped into '{inv.Program}'";
                    break;
                }
            }

            if (pipeDetail is null)
            {
                return false;
            }
        }

        detail = pipeDetail ?? redirectDetail ?? argDetail ?? shapeDetail ?? (flagDetail is not null ? $"flags '{flagDetail}'" : null)
            ?? (_contexts != InvocationContext.None ? $"context {InvocationContexts.Format(inv.Context & _contexts)}" : $"program '{inv.Program}'");
        if (flagDetail is not null && (argDetail is not null || redirectDetail is not null))
        {
            detail = $"flags '{flagDetail}', {redirectDetail ?? argDetail}";
        }

        return true;
    }

    private bool MatchSubcommand(IReadOnlyList<string> positionals)
    {
        foreach (var sub in _subcommands)
        {
            if (sub.Length > positionals.Count)
            {
                continue;
            }

            var ok = true;
            for (var i = 0; i < sub.Length; i++)
            {
                if (!string.Equals(sub[i], positionals[i], StringComparison.Ordinal))
                {
                    ok = false;
                    break;
                }
            }

            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    private static string? FirstFlag(IReadOnlyList<string> flags, HashSet<string> wanted)
    {
        for (var fi = 0; fi < flags.Count; fi++)
        {
            var f = flags[fi];
            if (wanted.Contains(f))
            {
                return f;
            }
        }

        return null;
    }

    internal static string Shorten(string s) => s.Length <= 80 ? s : string.Concat(s.AsSpan(0, 77), "...");
}

/// <summary>A <see cref="PathMatchDef"/> compiled once.</summary>
internal sealed class CompiledPathRule(RiskRuleDef rule, PathGlobSet globs, int opMask, int riskIndex, string risk)
{
    public RiskRuleDef Rule { get; } = rule;

    public PathGlobSet Globs { get; } = globs;

    public int RiskIndex { get; } = riskIndex;

    public string Risk { get; } = risk;

    public bool AppliesTo(FileOp op) => opMask == 0 || (opMask & (1 << (int)op)) != 0;
}

/// <summary>A <see cref="ToolMatchDef"/> compiled once.</summary>
internal sealed class CompiledToolRule(RiskRuleDef rule, NameSet names, int riskIndex, string risk)
{
    public RiskRuleDef Rule { get; } = rule;

    public NameSet Names { get; } = names;

    public int RiskIndex { get; } = riskIndex;

    public string Risk { get; } = risk;
}
