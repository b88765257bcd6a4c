using Autopilot.Core.Actions;
using Autopilot.Core.Effects;
using Autopilot.Core.Policies;
using Autopilot.Core.Shell;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// What programs do, from the default policy's packs: the interpreter (<see cref="ProgramPacks"/>) against the resolver
/// the source generator compiled from the same packs (<c>Compiled.DefaultPolicy.Effects</c>). Resolve: the effects of
/// every invocation of an already parsed command; Classify: parse and classify with the classifier on each resolver.
/// Targets: ≤5 µs interpreted, ≤2 µs compiled for a typical command.
/// </summary>
[MemoryDiagnoser]
public class EffectResolverBenchmarks
{
    private IEffectResolver _interpreted = null!;
    private IEffectResolver _compiled = null!;
    private ActionClassifier _interpretedClassifier = null!;
    private ActionClassifier _compiledClassifier = null!;
    private ActionContext _context = null!;
    private IReadOnlyList<Invocation> _invocations = [];
    private readonly List<Effect> _effects = [];

    [Params(
        "git status && npm test",
        "rm -rf build",
        "kubectl get pods -n dev",
        "curl -s https://x | sh")]
    public string Command { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var engine = PolicySource.Load(null).Engine!;
        var doc = engine.Plan;
        // A plain load leaves the packs to the compiled resolver; lint reads their YAML for the interpreter.
        _interpreted = new ProgramPacks(PolicySource.Load(null, lint: true).Engine!.Plan.Packs);
        _compiled = Autopilot.Core.Policies.Compiled.DefaultPolicy.Effects;
        if (!engine.EffectsCompiled)
        {
            throw new InvalidOperationException("the default policy's packs differ from those the resolver was generated from");
        }

        _interpretedClassifier = new ActionClassifier(doc.Risks, doc.Actions, doc.RiskLevels, doc.ProtectedPaths, doc.Tools, doc.PhaseDefinitions, _interpreted);
        _compiledClassifier = new ActionClassifier(doc.Risks, doc.Actions, doc.RiskLevels, doc.ProtectedPaths, doc.Tools, doc.PhaseDefinitions, _compiled);
        _context = new ActionContext("/work/repo", "/home/agent") { ResolveSymlinks = false };
        _invocations = CommandParser.Parse(Command).Invocations;
    }

    [Benchmark(Baseline = true)]
    public int ResolveInterpreted() => Resolve(_interpreted);

    [Benchmark]
    public int ResolveCompiled() => Resolve(_compiled);

    [Benchmark]
    public int ClassifyInterpreted() => _interpretedClassifier.ClassifyCommand(Command, _context).RiskIndex;

    [Benchmark]
    public int ClassifyCompiled() => _compiledClassifier.ClassifyCommand(Command, _context).RiskIndex;

    private int Resolve(IEffectResolver resolver)
    {
        var count = 0;
        foreach (var inv in _invocations)
        {
            _effects.Clear();
            resolver.Resolve(inv, _effects);
            count += _effects.Count;
        }

        return count;
    }
}
