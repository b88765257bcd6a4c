using System.Text;
using Autopilot.Core.Effects;
using Autopilot.Core.Policies;
using Autopilot.Core.Policies.Compiled;
using Autopilot.Core.Shell;
using Autopilot.Core.Tests.Actions;
using Autopilot.Core.Tests.Corpora;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Patterns;
using FsCheck;
using FsCheck.Fluent;

namespace Autopilot.Core.Tests.Effects;

/// <summary>
/// The effect resolver the source generator compiled from the built-in default policy's packs against the interpreter
/// (<see cref="ProgramPacks"/>) over the same packs: every invocation of the action corpora, of the command table and of
/// thousands of random commands and invocations built from the packs' own names, words, flags and patterns must give
/// the identical effect list (kind, target, unknown, recursive, method, host, reason, alternative, pack, location).
/// Longer runs with AUTOPILOT_LONG_TESTS=1.
/// </summary>
public sealed class CompiledEffectResolverTests
{
    private static readonly int s_runs = Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") == "1" ? 50_000 : 3_000;

    private static readonly PolicyEngine s_engine = ActionCorpus.Engine;

    // A plain load of the built-in default leaves its packs to the compiled resolver; lint reads their YAML.
    private static readonly IReadOnlyList<PackDef> s_loadedPacks = PolicySource.Load(null, lint: true).Engine!.Plan.Packs;
    private static readonly ProgramPacks s_interpreted = new(s_loadedPacks);
    private static readonly IEffectResolver s_compiled = DefaultPolicy.Effects;

    [Fact]
    public void The_default_policy_runs_on_the_compiled_resolver_built_from_the_packs_it_reads()
    {
        Assert.Equal(DefaultPolicy.PacksHash, s_engine.Plan.PacksHash);
        Assert.Empty(s_engine.Plan.Packs);   // not read at start-up: the compiled resolver serves
        Assert.Equal(PackLoader.BuiltInNames.Count, s_loadedPacks.Count);
        Assert.True(s_engine.EffectsCompiled);
        Assert.Same(s_compiled, s_engine.Effects);
    }

    [Fact]
    public void Another_policy_is_interpreted()
    {
        var other = OtherPolicy();

        Assert.False(other.EffectsCompiled);
        Assert.IsType<ProgramPacks>(other.Effects);
    }

    [Theory]
    [InlineData("benign.jsonl")]
    [InlineData("dangerous.jsonl")]
    [InlineData("needs-human.jsonl")]
    public void Corpus_commands_resolve_identically(string corpus)
    {
        var invocations = 0;
        foreach (var command in ActionCorpus.Read(corpus))
        {
            invocations += AssertSame(command.Command, $"{corpus}:{command.Line}");
        }

        Assert.True(invocations > 100, $"only {invocations} invocations in {corpus}");
    }

    [Fact]
    public void Command_table_resolves_identically()
    {
        var rows = CommandClassificationTableTests.Benign().Concat(CommandClassificationTableTests.Dangerous()).ToList();
        foreach (var row in rows)
        {
            AssertSame((string)row[0], "command table");
        }

        Assert.True(rows.Count > 100);
    }

    [Fact]
    public void Random_commands_resolve_identically() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(s_runs), Prop.ForAll(Commands().ToArbitrary(), command => AssertSame(command, "random command") >= 0));

    [Fact]
    public void Random_invocations_resolve_identically()
    {
        var withEffects = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(s_runs), Prop.ForAll(Invocations().ToArbitrary(), inv =>
        {
            withEffects += AssertSame(inv, "random invocation") > 0 ? 1 : 0;
            return true;
        }));

        // Most random invocations must do something, or agreeing would prove little.
        Assert.True(withEffects > s_runs / 2, $"only {withEffects} of {s_runs} random invocations had effects");
    }

    [Fact]
    public void Knows_the_same_programs()
    {
        foreach (var name in s_names.Concat(["", "python3.11", "mkfs.ext4", "fsck.vfat", "nosuchprogram", "*", "[", "[["]))
        {
            Assert.True(s_interpreted.Knows(name) == s_compiled.Knows(name), $"Knows('{name}')");
        }
    }

    /// <summary>A policy that is not the built-in default (its text differs), over the same packs.</summary>
    private static PolicyEngine OtherPolicy()
    {
        var text = PolicySource.BuiltInDefaultText() + "\n# not the built-in default\n";
        var plan = Autopilot.Policy.Plan.PlanBuilder.Compile(Autopilot.Policy.Loading.PolicyLoader.LoadText(text, "other.policy.yaml"), Autopilot.Policy.Validation.PolicyChecks.None).Plan!;
        return PolicySource.EngineFor(plan);
    }

    private static int AssertSame(string command, string where)
    {
        var parsed = CommandParser.Parse(command);
        foreach (var inv in parsed.Invocations)
        {
            _ = AssertSame(inv, $"{where}: {command}");
        }

        return parsed.Invocations.Count;
    }

    /// <returns>How many effects both found.</returns>
    private static int AssertSame(Invocation inv, string where)
    {
        var interpreted = new List<Effect>();
        var compiled = new List<Effect>();
        var knownInterpreted = s_interpreted.Resolve(inv, interpreted);
        var knownCompiled = s_compiled.Resolve(inv, compiled);
        if (knownInterpreted != knownCompiled || !interpreted.SequenceEqual(compiled))
        {
            Assert.Fail(
                $"{where}: '{inv.Program}' [{string.Join(" ", inv.Args.Select(a => $"'{a}'"))}] assignments [{string.Join(" ", inv.Assignments)}] context {inv.Context}\n" +
                $"  interpreted ({knownInterpreted}): {Describe(interpreted)}\n" +
                $"  compiled    ({knownCompiled}): {Describe(compiled)}");
        }

        return compiled.Count;
    }

    private static string Describe(List<Effect> effects) =>
        string.Join("; ", effects.Select(e => $"{e} unknown={e.TargetUnknown} reason={e.Reason} alt={e.Alternative} pack={e.Pack} at={e.Location}"));

    // ------------------------------------------------------------------ generators, from the packs themselves

    private static readonly IReadOnlyList<PackDef> s_packs = s_loadedPacks;

    private static readonly string[] s_names = [.. s_packs.SelectMany(p => p.Programs).SelectMany(p => p.Names).Distinct()];

    private static readonly string[] s_words =
    [
        .. s_packs.SelectMany(p => p.Programs).SelectMany(p => p.Subcommands).SelectMany(s => s.Words).Distinct(),
        "unknown-subcommand", "help",
    ];

    private static readonly string[] s_flags =
    [
        .. s_packs.SelectMany(p => p.Programs).SelectMany(p => p.ValueFlags.Concat(p.Subcommands.SelectMany(s => s.ValueFlags)).Concat(AllEffects(p).SelectMany(FlagsOf))).Distinct(),
        "--", "-rf", "-fr", "-Rf", "-XDELETE", "--request=POST", "-x", "--unknown", "-o-", "-",
    ];

    private static readonly string[] s_values =
    [
        .. s_packs.SelectMany(p => p.Programs).SelectMany(AllEffects).SelectMany(e => e.IfArgs.Concat(e.IfNotArgs).Concat(e.IfFlagValues.SelectMany(fv => fv.Values)))
            .Select(Instance).Distinct(),
        .. s_packs.SelectMany(p => p.Programs).SelectMany(AllEffects).Select(e => e.TargetPrefix).OfType<string>().Select(p => p + "/tmp/out").Distinct(),
        "/", "/*", "~", "~/.ssh/id_rsa", ".env", "build", "src/app.cs", "/etc/hosts", "/dev/null", "$HOME/x", "{}", "a b", "", "DELETE", "delete",
        "https://example.com/x.sh", "http://localhost:8080/api", "user@host:/tmp", "host:path", "x.y.z", "s/a/b/e", "4755", "u+s", "inplace", "core.sshCommand=ssh -i k",
    ];

    private static readonly string[] s_variables =
    [
        .. s_packs.SelectMany(p => p.Environment).SelectMany(v => v.Names).Select(Instance).Distinct(),
        "FOO", "PATH", "LANG",
    ];

    private static IEnumerable<EffectDef> AllEffects(ProgramDef p) =>
        p.Effects.Concat(p.Otherwise).Concat(p.Subcommands.SelectMany(s => s.Effects));

    private static IEnumerable<string> FlagsOf(EffectDef e) =>
        e.IfFlags.Concat(e.IfNotFlags).Concat(e.NoSkipWith).Concat(e.TargetFlags).Concat(e.Recursive).Concat(e.MethodFlags).Concat(e.IfFlagValues.Select(fv => fv.Flag))
            .Where(f => f.StartsWith('-'));

    /// <summary>A text a pattern matches, roughly: wildcards replaced by plain characters (the matcher's edge cases are its own tests').</summary>
    private static string Instance(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*':
                    sb.Append("x/y");
                    break;
                case '?':
                    sb.Append('q');
                    break;
                case '[':
                    var close = i + 2 < pattern.Length ? pattern.IndexOf(']', i + 2) : -1;
                    if (close < 0)
                    {
                        sb.Append('[');
                        break;
                    }

                    sb.Append(pattern[i + 1] is '!' or '^' ? '~' : pattern[i + 1]);
                    i = close;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    sb.Append(pattern[++i]);
                    break;
                default:
                    sb.Append(pattern[i]);
                    break;
            }
        }

        return sb.ToString();
    }

    private static Gen<string> Word() =>
        Gen.Frequency(
            (3, Gen.Elements(s_words)),
            (4, Gen.Elements(s_flags)),
            (4, Gen.Elements(s_values)),
            (1, from flag in Gen.Elements(s_flags.Where(f => f.StartsWith("--", StringComparison.Ordinal)).ToArray())
                from value in Gen.Elements(s_values)
                select $"{flag}={value}"),
            (1, from flag in Gen.Elements(s_flags.Where(f => f.Length == 2 && f[0] == '-').ToArray())
                from value in Gen.Elements(s_values)
                select flag + value));

    private static Gen<T[]> Upto<T>(Gen<T> gen, int most) =>
        from n in Gen.Choose(0, most)
        from items in Gen.ArrayOf(gen, n)
        select items;

    private static Gen<Invocation> Invocations() =>
        from program in Gen.Frequency((10, Gen.Elements(s_names.Select(n => ArgumentPattern.IsNamePattern(n) ? Instance(n) : n).ToArray())), (1, Gen.Elements("", "nosuch", "python3.12", "mkfs.xfs")))
        from leading in Upto(Gen.Elements(s_words), 2)
        from args in Upto(Word(), 7)
        from assignments in Gen.Frequency((6, Gen.Constant(Array.Empty<string>())), (1, Upto(Gen.Elements(s_variables).Select(v => v + "=1"), 2)))
        from context in Gen.Frequency((5, Gen.Constant(InvocationContext.None)), (1, Gen.Constant(InvocationContext.DynamicArgs | InvocationContext.Wrapped)))
        from wrapper in Gen.Elements<string?>(null, "xargs", "find")
        let all = (string[])[.. leading, .. args]
        select new Invocation
        {
            Program = program,
            RawProgram = program,
            Args = all,
            Flags = [.. all.Where(a => a.StartsWith('-'))],
            Positionals = [.. all.Where(a => !a.StartsWith('-'))],
            Assignments = assignments,
            Context = context,
            WrappedBy = context == InvocationContext.None ? null : wrapper,
        };

    private static readonly string[] s_separators = [" ; ", " && ", " | ", " || "];

    /// <summary>Whole command lines (parsed as the classifier parses them): programs with subcommand words, flags and values.</summary>
    private static Gen<string> Commands() =>
        from count in Gen.Choose(1, 3)
        from parts in Gen.ArrayOf(
            from program in Gen.Elements(s_names.Where(n => !n.Contains('*') && !n.Contains('?') && n is not ("[" or "[[")).ToArray())
            from sub in Upto(Gen.Elements(s_words), 2)
            from args in Upto(Word(), 5)
            select string.Join(" ", new[] { program }.Concat(sub).Concat(args).Select(Quote)), count)
        from seps in Gen.ArrayOf(Gen.Elements(s_separators), count)
        select string.Concat(parts.Select((p, i) => i == 0 ? p : seps[i] + p));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or '@' or '+' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
