using System.Collections.Concurrent;
using Autopilot.Core.Decisions;
using Autopilot.Core.Effects;
using Autopilot.Core.Shell;
using Autopilot.Policy.Model;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.Actions;

/// <summary>
/// Classifies actions (shell commands, file operations, tool calls) against a policy's risk rules.
/// Built once per policy: globs and regexes are compiled in the constructor, rules are indexed by
/// program. The answer is a risk level with the matches behind it; turning risk into a verdict for
/// an actor's autonomy level is the caller's job.
/// </summary>
/// <remarks>
/// Fails closed: a command the parser cannot read, or whose program is computed at run time, carries
/// <see cref="ActionSettings.UnknownRisk"/>; so do invalid paths and tool names. <see cref="RiskRuleDef.When"/>
/// predicates are not evaluated here: each match carries its rule so the caller can.
/// Thread-safe after construction.
/// </remarks>
public sealed class ActionClassifier
{
    private readonly string[] _levels;
    private readonly int _defaultRisk;
    private readonly int _unlistedRisk;
    private readonly int _unknownRisk;
    private readonly int _outsideRisk;
    private readonly int _outsideReadRisk;
    private readonly int _protectedRisk;
    private readonly bool _allowlistMode;
    private readonly Dictionary<string, AllowedProgram> _allowlist = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledCommandRule[]> _rulesByProgram = new(StringComparer.Ordinal);
    private readonly CompiledCommandRule[] _rulesForAnyProgram;
    private readonly Dictionary<string, string>? _programVariables;

    // The rules that can match each program seen so far, in the order they are checked (the program's own
    // rules, then those for any program whose program list takes it): programs named by glob are matched
    // once per program instead of once per invocation.
    private readonly ConcurrentDictionary<string, CompiledCommandRule[]> _rulesForProgram = new(StringComparer.Ordinal);
    private const int MaxCachedPrograms = 4096;
    private readonly CompiledPathRule[] _pathRules;

    // Every path rule's globs at once: one test rules out all path rules for the common path that matches none.
    private readonly GlobSet? _anyPathRule;
    private readonly CompiledToolRule[] _toolRules;
    private readonly GlobSet? _protected;
    private readonly GlobSet? _repositoryProtected;
    private readonly GlobSet? _secret;
    private readonly GlobSet? _temp;
    private readonly GlobSet? _workspaceExtra;

    // Effects (docs/effects.md): the packs that say what programs do, and the rules that judge what they do.
    private readonly IEffectResolver _packs;
    private readonly bool _effectsMode;
    private readonly CompiledEffectRule[] _effectRules;
    private readonly Dictionary<string, GlobSet?>? _phaseTools;
    private readonly GlobSet _alwaysTools;
    private readonly OutcomeRule _toolNotAllowed;

    // The physical (symlink-free) form of the last workspace root seen; roots rarely change.
    private volatile Tuple<string, string?>? _physicalRoot;

    /// <summary>Compiles the rules. Throws <see cref="ArgumentException"/> naming the rule when a risk level, glob, regex or context is invalid.</summary>
    public ActionClassifier(
        IReadOnlyList<RiskRuleDef> risks,
        ActionSettings actions,
        IReadOnlyList<string> riskLevels,
        IReadOnlyList<string>? protectedPathGlobs = null,
        ToolSettings? tools = null,
        IReadOnlyList<PhaseDef>? phases = null,
        IReadOnlyList<PackDef>? packs = null)
        : this(risks, actions, riskLevels, protectedPathGlobs, tools, phases, new ProgramPacks(packs ?? []))
    {
    }

    /// <summary>
    /// Compiles the rules, with <paramref name="effects"/> to say what programs do: the interpreter over the policy's
    /// packs (<see cref="ProgramPacks"/>) or the resolver generated from the built-in default policy's packs.
    /// </summary>
    internal ActionClassifier(
        IReadOnlyList<RiskRuleDef> risks,
        ActionSettings actions,
        IReadOnlyList<string> riskLevels,
        IReadOnlyList<string>? protectedPathGlobs,
        ToolSettings? tools,
        IReadOnlyList<PhaseDef>? phases,
        IEffectResolver effects)
    {
        ArgumentNullException.ThrowIfNull(risks);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(riskLevels);
        if (riskLevels.Count == 0)
        {
            throw new ArgumentException("the policy defines no risk levels", nameof(riskLevels));
        }

        _levels = [.. riskLevels];
        _defaultRisk = Level(actions.DefaultRisk, "actions.defaultRisk");
        _unlistedRisk = Level(actions.UnlistedRisk, "actions.unlistedRisk");
        _unknownRisk = Level(actions.UnknownRisk, "actions.unknownRisk");
        _outsideRisk = Level(actions.OutsideWorkspaceRisk, "actions.outsideWorkspaceRisk");
        _outsideReadRisk = Level(actions.OutsideWorkspaceReadRisk, "actions.outsideWorkspaceReadRisk");
        _protectedRisk = Level(actions.ProtectedPathRisk, "actions.protectedPathRisk");
        _allowlistMode = actions.Mode switch
        {
            "denylist" => false,
            "allowlist" => true,
            "effects" => false,
            _ => throw new ArgumentException($"actions.mode '{actions.Mode}' is not 'denylist', 'allowlist' or 'effects'"),
        };
        _effectsMode = actions.Mode == "effects";
        _packs = effects ?? throw new ArgumentNullException(nameof(effects));

        foreach (var allowed in actions.Allowlist)
        {
            var subcommands = new string[allowed.Subcommands.Count][];
            for (var i = 0; i < subcommands.Length; i++)
            {
                subcommands[i] = allowed.Subcommands[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }

            _allowlist[allowed.Program] = new AllowedProgram(subcommands, new HashSet<string>(allowed.DeniedFlags, StringComparer.Ordinal));
        }

        _workspaceExtra = GlobSets.Paths(actions.WorkspaceExtraPaths);
        _programVariables = ProgramVariableTable.Create(actions.ProgramVariables);
        var byProgram = new Dictionary<string, List<CompiledCommandRule>>(StringComparer.Ordinal);
        var anyProgram = new List<CompiledCommandRule>();
        var pathRules = new List<CompiledPathRule>();
        var toolRules = new List<CompiledToolRule>();
        var effectRules = new List<CompiledEffectRule>();
        foreach (var rule in risks)
        {
            var where = rule.Risk.Location ?? rule.Location;
            var riskIndex = Level(rule.Risk.Value, $"risk rule '{rule.Id}'{(where is null ? "" : $" at {where}")}");
            var risk = _levels[riskIndex];
            try
            {
                if (rule.Command is { } command)
                {
                    var compiled = new CompiledCommandRule(rule, command, riskIndex, risk, _workspaceExtra);
                    if (compiled.ExactPrograms is { } programs)
                    {
                        foreach (var p in programs)
                        {
                            if (!byProgram.TryGetValue(p, out var list))
                            {
                                byProgram[p] = list = [];
                            }

                            list.Add(compiled);
                        }
                    }
                    else
                    {
                        anyProgram.Add(compiled);
                    }
                }

                if (rule.Path is { } path)
                {
                    var globs = GlobSets.Paths(path.Globs)
                        ?? throw new ArgumentException($"risk rule '{rule.Id}'{CompiledCommandRule.At(rule)}: path matcher has no globs");
                    var mask = 0;
                    foreach (var op in path.Ops)
                    {
                        mask |= 1 << (int)ParseOp(op, rule);
                    }

                    pathRules.Add(new CompiledPathRule(rule, globs, mask, riskIndex, risk));
                }

                if (rule.Tool is { } tool)
                {
                    toolRules.Add(new CompiledToolRule(rule, GlobSets.Names(tool.Names), riskIndex, risk));
                }

                if (rule.Effect is { } effect)
                {
                    effectRules.Add(new CompiledEffectRule(rule, effect, riskIndex));
                }
            }
            catch (ArgumentException e) when (!e.Message.StartsWith("risk rule", StringComparison.Ordinal))
            {
                throw new ArgumentException($"risk rule '{rule.Id}'{CompiledCommandRule.At(rule)}: {e.Message}", e);
            }
        }

        foreach (var (program, list) in byProgram)
        {
            _rulesByProgram[program] = [.. list];
        }

        _rulesForAnyProgram = [.. anyProgram];
        _pathRules = [.. pathRules];
        _anyPathRule = GlobSets.Paths(risks.Where(r => r.Path is not null).SelectMany(r => r.Path!.Globs));
        _toolRules = [.. toolRules];
        _effectRules = [.. effectRules];
        _protected = GlobSets.Paths(actions.ProtectedPaths);

        // The protected-paths diff rule's globs are the change gate's: repository paths, read exactly as the gate reads them.
        _repositoryProtected = GlobSets.Paths(protectedPathGlobs ?? []);
        _secret = GlobSets.Paths(actions.SecretPaths);
        _temp = GlobSets.Paths(actions.TempPaths);

        tools ??= new ToolSettings();
        _alwaysTools = GlobSets.Names(tools.Always);
        _toolNotAllowed = tools.NotAllowed;
        if (phases is not null)
        {
            _phaseTools = new Dictionary<string, GlobSet?>(StringComparer.Ordinal);
            foreach (var phase in phases)
            {
                GlobSet? set = null;
                if (phase.Tools is { } list)
                {
                    var names = new string[list.Count];
                    for (var i = 0; i < names.Length; i++)
                    {
                        names[i] = list[i].Value;
                    }

                    set = GlobSets.Names(names);
                }

                _phaseTools[phase.Id] = set;
            }
        }
    }

    public IReadOnlyList<string> RiskLevels => _levels;

    // ------------------------------------------------------------------ commands

    /// <summary>Parses and classifies a shell command line.</summary>
    public ActionClassification ClassifyCommand(string command, ActionContext context) =>
        ClassifyCommand(CommandParser.Parse(command, _programVariables), context);

    /// <summary>
    /// Parses and classifies a command that runs where its host sets <paramref name="hostVariables"/> (a CI runner's
    /// <c>GITHUB_OUTPUT</c>, …); the policy's <c>actions.programVariables</c> win over them, and the command's own
    /// assignments over both.
    /// </summary>
    public ActionClassification ClassifyCommand(string command, ActionContext context, IReadOnlyDictionary<string, string> hostVariables)
    {
        ArgumentNullException.ThrowIfNull(hostVariables);
        var known = new Dictionary<string, string>(hostVariables, StringComparer.Ordinal);
        foreach (var (name, value) in _programVariables ?? [])
        {
            known[name] = value;
        }

        return ClassifyCommand(CommandParser.Parse(command, known), context);
    }

    /// <summary>Classifies an already parsed command line.</summary>
    internal ActionClassification ClassifyCommand(ParseResult parsed, ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(context);
        var acc = new Accumulator(this);
        PathBase? paths = null;
        InvocationView? view = null;
        List<Effect>? effects = null;
        for (var errorIndex = 0; errorIndex < parsed.Errors.Count; errorIndex++)
        {
            var error = parsed.Errors[errorIndex];
            acc.Add(
                ActionRuleIds.ParseError,
                _unknownRisk,
                $"The command cannot be read ({error.Message}, at offset {error.Offset}), so it is treated as unknown",
                Excerpt(parsed.Text, error.Offset),
                null);
        }

        var cwdUnknown = false;

        // Files written earlier on the line (curl -o i.sh URL; sh i.sh): running one is running code nobody has seen.
        HashSet<string>? written = null;
        for (var invIndex = 0; invIndex < parsed.Invocations.Count; invIndex++)
        {
            var inv = parsed.Invocations[invIndex];
            if (inv.IsUnknown)
            {
                acc.Add(ActionRuleIds.DynamicProgram, _unknownRisk, $"Unknown command: {inv.UnknownReason}", inv.RawProgram, inv);
                continue;
            }

            if (inv.Program is "cd" or "pushd" && inv.Depth == 0)
            {
                // Relative paths after 'cd X &&' are relative to X; after a cd to a place known only at run time they are unknown.
                var target = inv.Positionals.Count > 0 ? inv.Positionals[0] : "~";
                var bases = paths ??= new PathBase(context);
                if (target == "-" || EffectEntry.IsRunTimeTarget(target))
                {
                    cwdUnknown = true;
                }
                else
                {
                    context = context with { WorkingDirectory = PathForms.ToAbsolute(target, bases.Cwd, bases.Home) };
                    paths = null;
                    view = null;
                }
            }

            if (_allowlistMode && inv.Program.Length > 0)
            {
                CheckAllowlist(inv, acc);
            }

            var rules = RulesFor(inv.Program);
            if (rules.Length > 0)
            {
                if (view is null)
                {
                    view = new InvocationView(inv, context);
                }
                else
                {
                    view.Reset(inv);
                }

                MatchRules(rules, view, acc);
            }

            CheckRedirections(inv, context, acc, ref paths, ref written);
            CheckEffects(inv, context, acc, ref paths, effects ??= [], cwdUnknown, ref written);
        }

        return acc.Build(parsed);
    }

    /// <summary>The rules whose program list takes <paramref name="program"/> (or that name no program), in checking order.</summary>
    private CompiledCommandRule[] RulesFor(string program)
    {
        if (_rulesForProgram.TryGetValue(program, out var cached))
        {
            return cached;
        }

        var list = new List<CompiledCommandRule>();
        if (program.Length > 0 && _rulesByProgram.TryGetValue(program, out var own))
        {
            list.AddRange(own);
        }

        foreach (var rule in _rulesForAnyProgram)
        {
            if (rule.TakesProgram(program))
            {
                list.Add(rule);
            }
        }

        CompiledCommandRule[] rules = [.. list];
        if (_rulesForProgram.Count < MaxCachedPrograms)
        {
            _rulesForProgram.TryAdd(program, rules);
        }

        return rules;
    }

    private static void MatchRules(CompiledCommandRule[] rules, InvocationView view, Accumulator acc)
    {
        foreach (var rule in rules)
        {
            if (rule.TryMatchProgramTaken(view, out var detail, out var message))
            {
                var inv = view.Invocation;
                acc.Add(rule.Rule.Id, rule.RiskIndex, $"{message} (matched {detail} in '{CompiledCommandRule.Shorten(inv.Text)}')", detail, inv, rule.Rule);
            }
        }
    }

    private void CheckAllowlist(Invocation inv, Accumulator acc)
    {
        if (!_allowlist.TryGetValue(inv.Program, out var allowed))
        {
            acc.Add(ActionRuleIds.Unlisted, _unlistedRisk, $"'{inv.Program}' is not on the policy's allowlist (in '{CompiledCommandRule.Shorten(inv.Text)}')", inv.Program, inv);
            return;
        }

        if (allowed.Subcommands.Length > 0 && !StartsWithAny(inv.Positionals, allowed.Subcommands))
        {
            var sub = inv.Positionals.Count > 0 ? inv.Positionals[0] : "(none)";
            acc.Add(ActionRuleIds.Unlisted, _unlistedRisk, $"'{inv.Program} {sub}' is not an allowed use of '{inv.Program}' (in '{CompiledCommandRule.Shorten(inv.Text)}')", $"{inv.Program} {sub}", inv);
        }

        for (var flagIndex = 0; flagIndex < inv.Flags.Count; flagIndex++)
        {
            var flag = inv.Flags[flagIndex];
            if (allowed.DeniedFlags.Contains(flag))
            {
                acc.Add(ActionRuleIds.DeniedFlag, _unlistedRisk, $"flag '{flag}' of '{inv.Program}' is not allowed (in '{CompiledCommandRule.Shorten(inv.Text)}')", flag, inv);
                break;
            }
        }
    }

    private static bool StartsWithAny(IReadOnlyList<string> positionals, string[][] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (prefix.Length > positionals.Count)
            {
                continue;
            }

            var ok = true;
            for (var i = 0; i < prefix.Length && ok; i++)
            {
                ok = prefix[i] == positionals[i];
            }

            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Redirection targets are file writes (or reads), whatever the program.</summary>
    private void CheckRedirections(Invocation inv, ActionContext context, Accumulator acc, ref PathBase? paths, ref HashSet<string>? written)
    {
        var redirections = inv.Redirections;
        for (var k = 0; k < redirections.Count; k++)
        {
            var r = redirections[k];
            if (IsSpecialFile(r.Target))
            {
                continue;
            }

            if (r.IsWrite || r.IsRead)
            {
                var op = r.IsWrite ? FileOp.Write : FileOp.Read;
                var effect = new Effect(r.IsWrite ? EffectNames.FileWrite : EffectNames.FileRead, inv)
                {
                    Target = r.Target,
                    TargetUnknown = EffectEntry.IsRunTimeTarget(r.Target),
                };
                CheckPath(r.Target, op, paths ??= new PathBase(context), acc, inv, r.Op, effect);
                if (r.IsWrite && !effect.TargetUnknown)
                {
                    (written ??= new HashSet<string>(StringComparer.Ordinal)).Add(PathForms.ToAbsolute(r.Target, paths.Value.Cwd, paths.Value.Home));
                }
            }
        }
    }

    /// <summary>
    /// What the invocation does, from the packs: file effects are judged by their targets (outside the workspace,
    /// protected, secret, unknown), every effect by the policy's effect rules. In <c>effects</c> mode a program no
    /// pack knows carries the unlisted risk; a script run by its path is the project's own when it lies in the workspace.
    /// </summary>
    private void CheckEffects(Invocation inv, ActionContext context, Accumulator acc, ref PathBase? paths, List<Effect> effects, bool cwdUnknown, ref HashSet<string>? written)
    {
        effects.Clear();
        if (!_packs.Resolve(inv, effects))
        {
            if (LooksLikeScriptPath(inv.RawProgram))
            {
                ScriptEffect(inv, context, acc, ref paths, written);
            }
            else if (_effectsMode && inv.Program.Length > 0)
            {
                acc.Add(
                    ActionRuleIds.Unlisted,
                    _unlistedRisk,
                    $"'{inv.Program}' is a program none of the policy's packs knows, so what it does cannot be judged (in '{CompiledCommandRule.Shorten(inv.Text)}')",
                    inv.Program,
                    inv);
            }

            return;
        }

        foreach (var found in effects)
        {
            var effect = found;
            if (cwdUnknown && effect is { Target: { } relative, TargetUnknown: false } && relative[0] is not ('/' or '~'))
            {
                effect = effect with { TargetUnknown = true, Target = $"{relative} (after a cd to a folder known only at run time)" };
            }

            if (effect is { Kind: EffectNames.FileWrite, Target: { } w, TargetUnknown: false })
            {
                var bases = paths ??= new PathBase(context);
                (written ??= new HashSet<string>(StringComparer.Ordinal)).Add(PathForms.ToAbsolute(w, bases.Cwd, bases.Home));
            }

            if (effect is { Kind: EffectNames.ExecUnseen, Target: { } script, TargetUnknown: false } && InWorkspace(script, paths ??= new PathBase(context))
                && !WrittenEarlier(script, paths.Value, written))
            {
                // A script of the project's own (bash scripts/ci.sh, . .venv/bin/activate): running it is the project's business.
                effect = effect with { Kind = EffectNames.ExecProject, Reason = "runs a script of the project" };
            }

            acc.Effect(effect);
            if (effect.Target is { } target && EffectNames.IsFile(effect.Kind))
            {
                var op = effect.Kind switch
                {
                    EffectNames.FileRead => FileOp.Read,
                    EffectNames.FileDelete => FileOp.Delete,
                    _ => FileOp.Write,
                };
                CheckPath(target, op, paths ??= new PathBase(context), acc, inv, null, effect);
            }
            else
            {
                MatchEffectRules(effect, null, acc);
            }
        }
    }

    /// <summary>
    /// A program word that names a file to run (<c>./scripts/test.sh</c>, <c>bin/tool</c>): it has a slash, does not end
    /// in one, and holds only the characters of plain paths (no braces, commas or expansions to be decided at run time).
    /// </summary>
    private static bool LooksLikeScriptPath(string raw)
    {
        if (!raw.Contains('/') || raw.EndsWith('/'))
        {
            return false;
        }

        foreach (var c in raw)
        {
            if (!(char.IsLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or '@' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool WrittenEarlier(string raw, in PathBase bases, HashSet<string>? written) =>
        written is not null && written.Contains(PathForms.ToAbsolute(raw, bases.Cwd, bases.Home));

    /// <summary>True when <paramref name="raw"/> names a path inside the workspace (not in a temp folder).</summary>
    private bool InWorkspace(string raw, in PathBase bases)
    {
        var absolute = PathForms.ToAbsolute(raw, bases.Cwd, bases.Home);
        return PathForms.Relative(absolute, bases.Root) is not null && !(_temp?.IsMatch(absolute) ?? false);
    }

    /// <summary>A program run by its path (<c>./scripts/test.sh</c>): the project's own code inside the workspace, unseen code elsewhere.</summary>
    private void ScriptEffect(Invocation inv, ActionContext context, Accumulator acc, ref PathBase? paths, HashSet<string>? written)
    {
        var inWorkspace = InWorkspace(inv.RawProgram, paths ??= new PathBase(context)) && !WrittenEarlier(inv.RawProgram, paths.Value, written);
        var effect = new Effect(inWorkspace ? EffectNames.ExecProject : EffectNames.ExecUnseen, inv)
        {
            Reason = inWorkspace ? "runs a script of the project" : $"runs '{inv.RawProgram}', code outside the workspace the classifier cannot see",
        };
        acc.Effect(effect);
        if (!MatchEffectRules(effect, null, acc) && _effectsMode && !inWorkspace)
        {
            acc.Add(ActionRuleIds.Unlisted, _unlistedRisk, $"'{inv.RawProgram}' runs code outside the workspace that no pack describes (in '{CompiledCommandRule.Shorten(inv.Text)}')", inv.RawProgram, inv);
        }
    }

    /// <summary>Adds a match for every effect rule that takes <paramref name="effect"/>; true when one did.</summary>
    private bool MatchEffectRules(Effect effect, string? targetClass, Accumulator acc)
    {
        var matched = false;
        foreach (var rule in _effectRules)
        {
            if (rule.Matches(effect, targetClass))
            {
                matched = true;
                var what = targetClass is null ? effect.ToString() : $"{effect} ({targetClass})";
                var by = effect.Invocation is { } inv ? $" in '{CompiledCommandRule.Shorten(inv.Text)}'" : "";
                var reason = effect.Reason is null ? "" : $": {effect.Reason}";
                acc.Add(rule.Rule.Id, rule.RiskIndex, $"{rule.Rule.Message} ({what}{by}{reason})", what, effect.Invocation, rule.Rule, effect: effect);
            }
        }

        return matched;
    }

    internal static bool IsSpecialFile(string target) =>
        target is "/dev/null" or "/dev/stdout" or "/dev/stderr" or "/dev/stdin" or "/dev/tty" or "-"
        || target.StartsWith("/dev/fd/", StringComparison.Ordinal);

    // ------------------------------------------------------------------ paths

    /// <summary>Classifies reading, writing or deleting <paramref name="path"/>.</summary>
    public ActionClassification ClassifyPath(string path, FileOp op, ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var acc = new Accumulator(this);
        if (string.IsNullOrEmpty(path))
        {
            acc.Add(ActionRuleIds.InvalidPath, _unknownRisk, "The path is empty, so it is treated as unknown", "", null);
        }
        else if (CommandParser.FindBadCharacter(path, out var reason) is var bad and >= 0)
        {
            acc.Add(ActionRuleIds.InvalidPath, _unknownRisk, $"The path cannot be trusted: {reason.Replace("the command", "it", StringComparison.Ordinal)} (at offset {bad})", Excerpt(path, bad), null);
        }
        else
        {
            var kind = op switch { FileOp.Read => EffectNames.FileRead, FileOp.Write => EffectNames.FileWrite, _ => EffectNames.FileDelete };
            var effect = new Effect(kind, null) { Target = path };
            acc.Effect(effect);
            CheckPath(path, op, new PathBase(context), acc, null, null, effect);
        }

        return acc.Build(null);
    }

    /// <summary>The context's home, workspace root and working directory in normal form: computed once per classification.</summary>
    internal readonly struct PathBase
    {
        public PathBase(ActionContext context)
        {
            Home = context.HomeDirectory.Length == 0 ? "/" : PathForms.Normalize(context.HomeDirectory);
            Root = PathForms.Normalize(context.WorkspaceRoot);
            Cwd = context.WorkingDirectory is null ? Root : PathForms.ToAbsolute(context.WorkingDirectory, Root, Home);
            ResolveSymlinks = context.ResolveSymlinks;
        }

        public string Home { get; }

        public string Root { get; }

        public string Cwd { get; }

        public bool ResolveSymlinks { get; }
    }

    /// <param name="redirectOp">The redirection operator when <paramref name="raw"/> is a redirection target; null for an argument of <paramref name="inv"/> or a path on its own.</param>
    private void CheckPath(string raw, FileOp op, in PathBase bases, Accumulator acc, Invocation? inv, string? redirectOp, Effect? effect = null)
    {
        if (effect is { TargetUnknown: true })
        {
            // Nothing to resolve: the target exists only when the command runs. Never treated as harmless.
            MatchEffectRules(effect, "unknown", acc);
            return;
        }

        var home = bases.Home;
        var root = bases.Root;
        var absolute = PathForms.ToAbsolute(raw, bases.Cwd, home);
        var relative = PathForms.Relative(absolute, root);
        var tilde = PathForms.TildeForm(absolute, home);
        var verb = op switch { FileOp.Read => "Reading", FileOp.Write => "Writing", _ => "Deleting" };
        var outsideRisk = op == FileOp.Read ? _outsideReadRisk : _outsideRisk;
        string Quote() => inv is null ? raw : redirectOp is not null ? $"redirection '{redirectOp} {raw}'" : $"argument '{raw}' of '{inv.Program}'";

        string? physical = null;
        var outside = false;
        if (relative is null)
        {
            if (!InWorkspaceExtra(absolute, tilde))
            {
                outside = true;
                var escapes = PathForms.HasParentSegment(raw) && raw[0] != '/' && PathForms.HomePrefixLength(raw) == 0;
                acc.Add(
                    escapes ? ActionRuleIds.PathEscape : ActionRuleIds.OutsideWorkspace,
                    outsideRisk,
                    escapes
                        ? $"{verb} '{raw}' climbs out of the workspace with '..' (to {absolute}){In(inv)}"
                        : $"{verb} '{raw}' touches {absolute}, outside the workspace {root}{In(inv)}",
                    Quote(),
                    inv);
            }
        }
        else if (bases.ResolveSymlinks && relative != ".")
        {
            var physicalRoot = PhysicalRoot(root);
            physical = physicalRoot is null ? null : PathForms.ResolvePhysical(physicalRoot, relative);
            if (physicalRoot is not null && (physical is null || !PathForms.IsUnder(physical, physicalRoot)) && !InWorkspaceExtra(physical ?? absolute, null))
            {
                outside = true;
                acc.Add(
                    ActionRuleIds.SymlinkEscape,
                    outsideRisk,
                    physical is null
                        ? $"{verb} '{raw}' goes through symlinks that loop{In(inv)}"
                        : $"{verb} '{raw}' follows a symlink out of the workspace to {physical}{In(inv)}",
                    Quote(),
                    inv);
            }
        }

        if (op == FileOp.Delete && relative == "." && effect is not { Within: true })
        {
            acc.Add(ActionRuleIds.WorkspaceRoot, _outsideRisk, $"Deleting '{raw}' deletes the whole workspace {root}{In(inv)}", Quote(), inv);
        }

        var isProtected = (_protected is not null && MatchesAnyForm(_protected, raw, absolute, relative, tilde, physical))
            || (_repositoryProtected is not null && relative is not null && _repositoryProtected.IsMatchUnderRoot(relative));
        if (op != FileOp.Read && isProtected)
        {
            acc.Add(ActionRuleIds.Protected, _protectedRisk, $"{verb} '{raw}' changes a protected path{In(inv)}", Quote(), inv);
        }

        if (effect is not null && _effectRules.Length > 0)
        {
            var targetClass =
                _secret is not null && MatchesAnyForm(_secret, raw, absolute, relative, tilde, physical) ? "secret"
                : isProtected ? "protected"
                : _temp is not null && (_temp.IsMatch(absolute) || (physical is not null && _temp.IsMatch(physical))) ? "temp"
                : outside ? "outside"
                : "workspace";
            MatchEffectRules(effect, targetClass, acc);
        }

        if (_anyPathRule is null || !MatchesAnyForm(_anyPathRule, raw, absolute, relative, tilde, physical))
        {
            return;
        }

        foreach (var rule in _pathRules)
        {
            if (rule.AppliesTo(op) && MatchesAnyForm(rule.Globs, raw, absolute, relative, tilde, physical))
            {
                acc.Add(rule.Rule.Id, rule.RiskIndex, $"{rule.Rule.Message} ({verb.ToLowerInvariant()} '{raw}'{In(inv)})", Quote(), inv, rule.Rule);
            }
        }
    }

    private static string In(Invocation? inv) => inv is null ? "" : $" in '{CompiledCommandRule.Shorten(inv.Text)}'";

    private static bool MatchesAnyForm(GlobSet globs, string raw, string absolute, string? relative, string? tilde, string? physical) =>
        globs.IsMatch(absolute)
        || (relative is not null && globs.IsMatch(relative))
        || (tilde is not null && globs.IsMatch(tilde))
        || (physical is not null && physical != absolute && globs.IsMatch(physical))
        || (raw != absolute && raw != relative && globs.IsMatch(raw));

    private bool InWorkspaceExtra(string absolute, string? tilde) =>
        _workspaceExtra is not null && (_workspaceExtra.IsMatch(absolute) || (tilde is not null && _workspaceExtra.IsMatch(tilde)));

    private string? PhysicalRoot(string root)
    {
        var cached = _physicalRoot;
        if (cached is not null && cached.Item1 == root)
        {
            return cached.Item2;
        }

        var physical = PathForms.ResolvePhysical(root);
        _physicalRoot = Tuple.Create(root, physical);
        return physical;
    }

    // ------------------------------------------------------------------ tools

    /// <summary>Classifies a tool call: the risk rules on tool names, and the phase's tool list (<see cref="ActionContext.Phase"/>).</summary>
    public ActionClassification ClassifyTool(string tool, ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var acc = new Accumulator(this);
        if (string.IsNullOrEmpty(tool) || CommandParser.FindBadCharacter(tool, out _) >= 0 || tool.AsSpan().IndexOfAny(" \t\n\r") >= 0)
        {
            acc.Add(ActionRuleIds.InvalidTool, _unknownRisk, $"The tool name '{tool}' is not a valid name, so it is treated as unknown", tool ?? "", null);
            return acc.Build(null);
        }

        foreach (var rule in _toolRules)
        {
            if (rule.Names.IsMatch(tool))
            {
                acc.Add(rule.Rule.Id, rule.RiskIndex, $"{rule.Rule.Message} (tool '{tool}')", tool, null, rule.Rule);
            }
        }

        if (context.Phase is { } phase && _phaseTools is not null)
        {
            var known = _phaseTools.TryGetValue(phase, out var allowed);
            if (!known || (allowed is not null && !allowed.IsMatch(tool) && !_alwaysTools.IsMatch(tool)))
            {
                var message = MessageTemplate.Fill(_toolNotAllowed.Message, ("tool", tool), ("phase", phase));
                acc.Add(
                    _toolNotAllowed.Id,
                    _unlistedRisk,
                    known ? message : $"{message} ('{phase}' is not a phase of this policy)",
                    tool,
                    null,
                    fixedVerdict: known ? _toolNotAllowed.Verdict : Verdict.Deny);
            }
        }

        return acc.Build(null);
    }

    // ------------------------------------------------------------------ helpers

    private int Level(string name, string where)
    {
        for (var i = 0; i < _levels.Length; i++)
        {
            if (string.Equals(_levels[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new ArgumentException($"{where}: risk level '{name}' is not one of the policy's levels ({string.Join(", ", _levels)})");
    }

    private static FileOp ParseOp(string op, RiskRuleDef rule) => op switch
    {
        "read" => FileOp.Read,
        "write" => FileOp.Write,
        "delete" => FileOp.Delete,
        _ => throw new ArgumentException($"risk rule '{rule.Id}'{CompiledCommandRule.At(rule)}: path op '{op}' is not read, write or delete"),
    };

    private static string Excerpt(string text, int offset)
    {
        if (text.Length == 0)
        {
            return "";
        }

        var start = Math.Clamp(offset - 20, 0, text.Length);
        var end = Math.Clamp(offset + 20, start, text.Length);
        var excerpt = text[start..end];
        var sb = new System.Text.StringBuilder(excerpt.Length);
        foreach (var c in excerpt)
        {
            sb.Append(char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD' ? '?' : c);
        }

        return sb.ToString();
    }

    private sealed record AllowedProgram(string[][] Subcommands, HashSet<string> DeniedFlags);

    /// <summary>Collects matches (one per rule, quote and invocation, so that predicates judge each invocation) and keeps the highest risk.</summary>
    private sealed class Accumulator(ActionClassifier owner)
    {
        private List<ActionMatch>? _matches;
        private int _max = -1;
        private bool _unknown;

        private List<Effect>? _effects;

        public void Effect(Effect effect) => (_effects ??= []).Add(effect);

        public void Add(string ruleId, int riskIndex, string reason, string quote, Invocation? inv, RiskRuleDef? rule = null, Verdict? fixedVerdict = null, Effect? effect = null)
        {
            _matches ??= [];
            foreach (var m in _matches)
            {
                if (m.RuleId == ruleId && m.Quote == quote && (m.Invocation is null ? inv is null : m.Invocation.ReadsTheSameAs(inv)))
                {
                    return;
                }
            }

            _matches.Add(new ActionMatch(ruleId, riskIndex, owner._levels[riskIndex], reason, quote, inv)
            {
                Rule = rule,
                FixedVerdict = fixedVerdict,
                Effect = effect,
                Alternative = rule?.Alternative ?? effect?.Alternative,
            });
            _max = Math.Max(_max, riskIndex);
            _unknown |= ruleId is ActionRuleIds.ParseError or ActionRuleIds.DynamicProgram or ActionRuleIds.InvalidPath or ActionRuleIds.InvalidTool;
        }

        public ActionClassification Build(ParseResult? parse)
        {
            var index = Math.Max(_max, owner._defaultRisk);
            if (_unknown)
            {
                index = Math.Max(index, owner._unknownRisk);
            }

            IReadOnlyList<ActionMatch> matches = _matches is null ? [] : _matches;
            return new ActionClassification(index, owner._levels[index], matches) { Parse = parse, IsUnknown = _unknown, Effects = _effects is null ? [] : _effects };
        }
    }
}
