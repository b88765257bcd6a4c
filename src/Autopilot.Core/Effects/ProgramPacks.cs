using Autopilot.Core.Shell;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.Effects;

/// <summary>
/// The policy's program packs, compiled for lookup: program name → value flags, effects and subcommands.
/// <see cref="Resolve"/> turns one invocation into its effects. Built once per policy; thread-safe after that.
/// The interpreter: the built-in default policy's packs are also compiled into C# by the source generator, and
/// that resolver must answer exactly as this one (tests/Autopilot.Core.Tests/Effects).
/// </summary>
internal sealed class ProgramPacks : IEffectResolver
{
    private readonly Dictionary<string, CompiledProgram> _programs = new(StringComparer.Ordinal);
    private readonly List<(string Pattern, CompiledProgram Program)> _globbed = [];
    private readonly List<(string[] Names, string Pack, InterpretedEffect[] Effects)> _environment = [];

    public ProgramPacks(IReadOnlyList<PackDef> packs)
    {
        ArgumentNullException.ThrowIfNull(packs);
        foreach (var pack in packs)
        {
            foreach (var variable in pack.Environment)
            {
                _environment.Add(([.. variable.Names], pack.Name, [.. variable.Effects.Select(e => new InterpretedEffect(e))]));
            }

            foreach (var program in pack.Programs)
            {
                var compiled = new CompiledProgram(pack.Name, program);
                foreach (var name in program.Names)
                {
                    if (ArgumentPattern.IsNamePattern(name))
                    {
                        _globbed.Add((name, compiled));
                    }
                    else
                    {
                        _programs.TryAdd(name, compiled);
                    }
                }
            }
        }
    }

    /// <summary>True when some pack knows <paramref name="program"/>.</summary>
    public bool Knows(string program) => Find(program) is not null;

    /// <summary>
    /// Adds the effects of <paramref name="inv"/> to <paramref name="effects"/>; false when no pack knows its program
    /// (nothing is added then).
    /// </summary>
    public bool Resolve(Invocation inv, List<Effect> effects)
    {
        if (_environment.Count > 0 && inv.Assignments.Count > 0)
        {
            ResolveAssignments(inv, effects);
        }

        var program = Find(inv.Program);
        if (program is null)
        {
            return false;
        }

        program.Resolve(inv, effects);
        return true;
    }

    /// <summary>Assignments before the program (<c>GIT_SSH_COMMAND=x git fetch</c>, <c>HUSKY=0 git commit</c>) that change what it does.</summary>
    private void ResolveAssignments(Invocation inv, List<Effect> effects)
    {
        foreach (var assignment in inv.Assignments)
        {
            var eq = assignment.IndexOf('=');
            var name = eq < 0 ? assignment : assignment[..eq];

            // The value is the entry's one operand, for conditions on it (NODE_OPTIONS='--require x').
            var none = EffectEntry.AssignedValue(assignment, eq, s_noValueFlags);
            foreach (var (names, pack, variableEffects) in _environment)
            {
                if (IsNamed(names, name))
                {
                    foreach (var e in variableEffects)
                    {
                        e.Apply(inv, none, 0, pack, effects);
                    }
                }
            }
        }
    }

    private static readonly HashSet<string> s_noValueFlags = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="name"/> is one of <paramref name="names"/>, or matches one that is a pattern.</summary>
    internal static bool IsNamed(string[] names, string name)
    {
        foreach (var candidate in names)
        {
            if (ArgumentPattern.IsNamePattern(candidate) ? ArgumentPattern.IsMatch(candidate, name) : string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private CompiledProgram? Find(string program)
    {
        if (program.Length == 0)
        {
            return null;
        }

        if (_programs.TryGetValue(program, out var found))
        {
            return found;
        }

        foreach (var (pattern, compiled) in _globbed)
        {
            if (ArgumentPattern.IsMatch(pattern, program))
            {
                return compiled;
            }
        }

        return null;
    }

    private sealed class CompiledProgram
    {
        private readonly string _pack;
        private readonly HashSet<string> _valueFlags;
        private readonly InterpretedEffect[] _effects;
        private readonly (string[] Words, HashSet<string> ValueFlags, InterpretedEffect[] Effects)[] _subcommands;
        private readonly InterpretedEffect[] _otherwise;
        private readonly bool _oldStyleFlags;

        public CompiledProgram(string pack, ProgramDef def)
        {
            _pack = pack;
            _oldStyleFlags = def.OldStyleFlags;
            _valueFlags = new HashSet<string>(def.ValueFlags, StringComparer.Ordinal);
            _effects = [.. def.Effects.Select(e => new InterpretedEffect(e))];
            _otherwise = [.. def.Otherwise.Select(e => new InterpretedEffect(e))];

            // Longest first: "s3 rm" before "s3".
            _subcommands = [.. def.Subcommands
                .OrderByDescending(s => s.Words.Count)
                .Select(s => (s.Words.ToArray(), new HashSet<string>(s.ValueFlags.Concat(def.ValueFlags), StringComparer.Ordinal), s.Effects.Select(e => new InterpretedEffect(e)).ToArray()))];
        }

        public void Resolve(Invocation inv, List<Effect> effects)
        {
            var args = _oldStyleFlags ? EffectEntry.OldStyle(inv.Args) : inv.Args;
            var split = Arguments.Split(args, _valueFlags);
            foreach (var e in _effects)
            {
                e.Apply(inv, split, 0, _pack, effects);
            }

            if (_subcommands.Length == 0)
            {
                return;
            }

            foreach (var (words, valueFlags, subEffects) in _subcommands)
            {
                // Flags of the subcommand may take values of their own: split again with them.
                var sub = valueFlags.Count == _valueFlags.Count ? split : Arguments.Split(args, valueFlags);
                if (StartsWith(sub.Operands, words))
                {
                    foreach (var e in subEffects)
                    {
                        e.Apply(inv, sub, words.Length, _pack, effects);
                    }

                    return;
                }
            }

            // An unknown subcommand; a run without one (git --version, kubectl --help) does nothing to judge.
            if (split.Operands.Count == 0)
            {
                return;
            }

            foreach (var e in _otherwise)
            {
                e.Apply(inv, split, 1, _pack, effects);
            }
        }

        private static bool StartsWith(List<string> operands, string[] words)
        {
            if (operands.Count < words.Length)
            {
                return false;
            }

            for (var i = 0; i < words.Length; i++)
            {
                if (!string.Equals(operands[i], words[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
