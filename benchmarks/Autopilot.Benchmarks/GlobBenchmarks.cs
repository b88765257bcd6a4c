using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Autopilot.Core.Actions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// Building and matching the default policy's glob sets, as the native hook does on every call: the one glob
/// (<see cref="GlobSet"/>, hand-written matcher) against the regex-based sets it replaced (<see cref="LegacyRegexGlobs"/>,
/// kept here only as the baseline). "BuildAndMatch" builds every set and asks each a few questions (a hook call asks
/// about one action); "Build" only builds; "Classifier" builds the whole action classifier of the default policy.
/// </summary>
[MemoryDiagnoser]
public class GlobBenchmarks
{
    private PolicyEngine _engine = null!;
    private (List<string> Globs, bool Names)[] _lists = [];
    private readonly string[] _paths = ["src/App/Service.cs", "/home/agent/.ssh/id_rsa", "~/.aws/credentials", "/etc/passwd", ".git/config", "docs/readme.md", "config/.env.local", "/tmp/build/out.log"];
    private readonly string[] _names = ["git", "rm", "python3.12", "Read", "mcp__github__create_issue", "--force", "curl"];

    [GlobalSetup]
    public void Setup()
    {
        _engine = PolicySource.Load(null).Engine!;
        _lists = DefaultPolicyGlobs(_engine.Plan);
    }

    /// <summary>Every glob list of the policy the action classifier compiles: (globs, whether they are names).</summary>
    public static (List<string> Globs, bool Names)[] DefaultPolicyGlobs(Autopilot.Policy.Plan.PolicyPlan doc)
    {
        var lists = new List<(List<string>, bool)>();
        void Add(IEnumerable<string> globs, bool names)
        {
            var list = globs.ToList();
            if (list.Count > 0)
            {
                lists.Add((list, names));
            }
        }

        foreach (var rule in doc.Risks)
        {
            if (rule.Command is { } c)
            {
                Add(c.Programs, true);
                Add(c.PipeFrom, true);
                Add(c.Flags.Select(f => f.Value), true);
                Add(c.RawPrograms.Select(f => f.Value), true);
                Add(c.Args, false);
                Add(c.RedirectTo, false);
            }

            if (rule.Path is { } p)
            {
                Add(p.Globs, false);
            }

            if (rule.Tool is { } t)
            {
                Add(t.Names, true);
            }
        }

        Add(doc.Actions.ProtectedPaths, false);
        Add(doc.Actions.SecretPaths, false);
        Add(doc.Actions.TempPaths, false);
        Add(doc.Actions.WorkspaceExtraPaths, false);
        Add(doc.ProtectedPaths, false);
        Add(doc.Tools.Always, true);
        return [.. lists];
    }

    /// <summary>How many globs the lists hold.</summary>
    public int GlobCount => _lists.Sum(l => l.Globs.Count);

    [Benchmark(Baseline = true)]
    public int OldBuildAndMatch()
    {
        var hits = 0;
        foreach (var (globs, names) in _lists)
        {
            if (names)
            {
                var set = LegacyRegexGlobs.NameSet.Create(globs);
                foreach (var n in _names)
                {
                    hits += set.Contains(n) ? 1 : 0;
                }
            }
            else
            {
                var set = LegacyRegexGlobs.PathGlobSet.Create(globs)!;
                foreach (var p in _paths)
                {
                    hits += set.Matches(p) ? 1 : 0;
                }
            }
        }

        return hits;
    }

    [Benchmark]
    public int NewBuildAndMatch()
    {
        var hits = 0;
        foreach (var (globs, names) in _lists)
        {
            var set = GlobSet.Create(globs, names ? GlobKind.Name : GlobKind.Path);
            foreach (var text in names ? _names : _paths)
            {
                hits += set.IsMatch(text) ? 1 : 0;
            }
        }

        return hits;
    }

    [Benchmark]
    public int OldBuild()
    {
        var n = 0;
        foreach (var (globs, names) in _lists)
        {
            n += names ? (LegacyRegexGlobs.NameSet.Create(globs).IsEmpty ? 0 : 1) : (LegacyRegexGlobs.PathGlobSet.Create(globs) is null ? 0 : 1);
        }

        return n;
    }

    [Benchmark]
    public int NewBuild()
    {
        var n = 0;
        foreach (var (globs, names) in _lists)
        {
            n += GlobSet.Create(globs, names ? GlobKind.Name : GlobKind.Path).IsEmpty ? 0 : 1;
        }

        return n;
    }

    [Benchmark]
    public int Classifier() => new ActionEvaluator(_engine).Classifier.RiskLevels.Count;

    /// <summary>`-- glob-stopwatch`: the same comparison timed with a Stopwatch (no BenchmarkDotNet).</summary>
    public static int Stopwatch(int rounds)
    {
        var bench = new GlobBenchmarks();
        bench.Setup();
        Console.WriteLine($"default policy: {bench._lists.Length} glob lists, {bench.GlobCount} globs; {rounds} rounds, medians in µs");
        foreach (var (name, run) in new (string, Func<int>)[]
        {
            ("old build+match", bench.OldBuildAndMatch), ("new build+match", bench.NewBuildAndMatch),
            ("old build", bench.OldBuild), ("new build", bench.NewBuild), ("classifier (new)", bench.Classifier),
        })
        {
            run();   // warm up
            var times = new double[rounds];
            for (var i = 0; i < rounds; i++)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                run();
                times[i] = sw.Elapsed.TotalMicroseconds;
            }

            Array.Sort(times);
            Console.WriteLine($"{name,-18} {times[rounds / 2],10:F1}");
        }

        // First call in a fresh process, as the hook makes it (cold: includes JIT).
        return 0;
    }
}

/// <summary>
/// The glob sets the project had before the one glob (Core/Actions/Glob.cs + NameSet + PathGlobSet): a glob became a
/// non-backtracking regex. Kept only as the benchmark's baseline; nothing in the product uses it.
/// </summary>
public static class LegacyRegexGlobs
{
    public static bool ContainsWildcards(string pattern) => pattern.AsSpan().IndexOfAny("*?[{\\") >= 0;

    public static Lazy<Regex> ToLazyRegex(IEnumerable<string> patterns)
    {
        var sb = new StringBuilder("^(?:");
        var first = true;
        foreach (var pattern in patterns)
        {
            sb.Append(first ? "" : "|");
            first = false;
            Append(sb, pattern);
        }

        var text = sb.Append(")$").ToString();
        return new Lazy<Regex>(() => new Regex(text, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
    }

    private static void Append(StringBuilder sb, string glob)
    {
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                sb.Append(slash ? "(?:[^/]*/)*" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '[')
            {
                var close = glob.IndexOf(']', i + 2);
                sb.Append('[').Append(glob[i + 1] is '!' or '^' ? "^" : Regex.Escape(glob[i + 1].ToString()).Replace("]", "\\]"));
                sb.Append(Regex.Escape(glob[(i + 2)..close])).Append(']');
                i = close;
            }
            else
            {
                sb.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    '{' => "(?:",
                    '}' => ")",
                    ',' => "|",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }
    }

    public sealed class NameSet(HashSet<string>? exact, Regex? globs)
    {
        public bool IsEmpty => exact is null && globs is null;

        public static NameSet Create(IEnumerable<string> items)
        {
            var exact = items.Where(i => !ContainsWildcards(i)).ToHashSet(StringComparer.Ordinal);
            var wild = items.Where(ContainsWildcards).ToList();
            return new NameSet(exact.Count == 0 ? null : exact, wild.Count == 0 ? null : ToLazyRegex(wild).Value);
        }

        public bool Contains(string name) => (exact is not null && exact.Contains(name)) || (globs is not null && globs.IsMatch(name));
    }

    public sealed class PathGlobSet(HashSet<string>? exactFull, HashSet<string>? exactName, Lazy<Regex>? full, Lazy<Regex>? name, SearchValues<string>? literals)
    {
        public static PathGlobSet? Create(IEnumerable<string> globs)
        {
            var list = globs.ToList();
            var wild = list.Where(ContainsWildcards).ToList();
            var exact = list.Where(g => !ContainsWildcards(g)).ToHashSet(StringComparer.Ordinal);
            var names = list.Where(g => !g.Contains('/')).ToList();
            var wildNames = names.Where(ContainsWildcards).ToList();
            var exactNames = names.Where(g => !ContainsWildcards(g)).ToHashSet(StringComparer.Ordinal);
            if (list.Count == 0)
            {
                return null;
            }

            return new PathGlobSet(
                exact.Count == 0 ? null : exact,
                exactNames.Count == 0 ? null : exactNames,
                wild.Count == 0 ? null : ToLazyRegex(wild),
                wildNames.Count == 0 ? null : ToLazyRegex(wildNames),
                wild.Count == 0 ? null : RequiredLiterals(wild));
        }

        private static SearchValues<string>? RequiredLiterals(List<string> globs)
        {
            var literals = new HashSet<string>(StringComparer.Ordinal);
            foreach (var g in globs)
            {
                if (g.AsSpan().IndexOfAny("[{\\") >= 0)
                {
                    return null;
                }

                var best = g.Split('*', '?', '/').MaxBy(s => s.Length) ?? "";
                if (best.Length == 0)
                {
                    return null;
                }

                literals.Add(best);
            }

            return SearchValues.Create([.. literals], StringComparison.Ordinal);
        }

        public bool Matches(string text)
        {
            if (exactFull is not null && exactFull.Contains(text))
            {
                return true;
            }

            var may = literals is null || text.AsSpan().ContainsAny(literals);
            if (may && full is not null && full.Value.IsMatch(text))
            {
                return true;
            }

            var slash = text.LastIndexOf('/');
            if (slash < 0 || (exactName is null && name is null))
            {
                return false;
            }

            var last = text[(slash + 1)..];
            return (exactName is not null && exactName.Contains(last)) || (may && name is not null && name.Value.IsMatch(last));
        }
    }
}
