using Autopilot.Benchmarks.Policies;
using Autopilot.Core.Gates;
using Autopilot.Core.Policies;
using Autopilot.Generators;
using Autopilot.Policy.Model;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Autopilot.Benchmarks;

/// <summary>
/// The gates the source generator compiled from the default policy against the interpreter over the same plan,
/// question for question (targets: generated transition check ≤20 ns and 0 bytes; ≥5× the interpreter), and
/// one generator run over the default policy. Each category's baseline is the interpreter.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratedGateBenchmarks
{
    private ITransitionGate _interpretedTransitions = null!;
    private IAutonomyGate _interpretedAutonomy = null!;
    private IEscalationGate _interpretedEscalation = null!;
    private ITransitionGate _generatedTransitions = null!;
    private IAutonomyGate _generatedAutonomy = null!;
    private IEscalationGate _generatedEscalation = null!;
    private double[] _noisy = null!;
    private DefaultPolicy.Signals _noisyTyped;
    private int _implement;
    private int _verify;
    private ulong _evidence;
    private int _level;
    private int _risk;
    private DefaultPolicy.Phase _implementTyped;
    private DefaultPolicy.Phase _verifyTyped;
    private DefaultPolicy.Evidence _evidenceTyped;
    private DefaultPolicy.AutonomyLevel _levelTyped;
    private DefaultPolicy.RiskLevel _riskTyped;
    private CSharpCompilation _compilation = null!;
    private AdditionalText _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        var engine = PolicySource.Load(null).Engine ?? throw new InvalidOperationException("The default policy does not compile.");
        if (engine.PolicyHash != DefaultPolicy.Hash)
        {
            throw new InvalidOperationException("The generated gates were built from another default policy than the engine's.");
        }

        _interpretedTransitions = new InterpretedTransitionGate(engine.Plan);
        _interpretedAutonomy = new InterpretedAutonomyGate(engine.Plan);
        _interpretedEscalation = new InterpretedEscalationGate(engine.Plan);
        _generatedTransitions = DefaultPolicy.Transitions;
        _generatedAutonomy = DefaultPolicy.Autonomy;
        _generatedEscalation = DefaultPolicy.Escalation;
        _implement = engine.Plan.IndexOfPhase("implement");
        _verify = engine.Plan.IndexOfPhase("verify");
        _evidence = engine.Plan.RequiredEvidence[_implement];
        _level = engine.Plan.IndexOfAutonomyLevel("execute_safe");
        _risk = engine.Plan.IndexOfRisk("high");
        // Typed inputs live in fields too, so the JIT cannot fold a whole check into a constant.
        _implementTyped = DefaultPolicy.Phase.Implement;
        _verifyTyped = DefaultPolicy.Phase.Verify;
        _evidenceTyped = DefaultPolicy.RequiredToLeave(DefaultPolicy.Phase.Implement);
        _levelTyped = DefaultPolicy.AutonomyLevel.ExecuteSafe;
        _riskTyped = DefaultPolicy.RiskLevel.High;
        _noisy = new double[SignalNames.All.Count];
        _noisy[SignalNames.IndexOf("consecutiveFailures")] = 4;
        _noisy[SignalNames.IndexOf("confidence")] = 0.3;
        _noisy[SignalNames.IndexOf("budgetUsedFraction")] = 0.9;
        _noisy[SignalNames.IndexOf("optionCount")] = 3;
        _noisy[SignalNames.IndexOf("topOptionScoreGap")] = 0.02;
        _noisyTyped = DefaultPolicy.Signals.From(_noisy);
        if (_interpretedEscalation.Evaluate(_noisy) != _generatedEscalation.Evaluate(_noisy))
        {
            throw new InvalidOperationException("Generated and interpreted escalation disagree.");
        }

        _compilation = CSharpCompilation.Create("Consumer", [CSharpSyntaxTree.ParseText("namespace Consumer { public static class A { } }")],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)], new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _policy = new PolicyText("/policies/default.policy.yaml", PolicySource.BuiltInDefaultText());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Transition")]
    public Verdict InterpretedTransition() => _interpretedTransitions.Check(_implement, _verify, _evidence).Verdict;

    [Benchmark, BenchmarkCategory("Transition")]
    public Verdict GeneratedTransition() => _generatedTransitions.Check(_implement, _verify, _evidence).Verdict;

    [Benchmark, BenchmarkCategory("Transition")]
    public Verdict GeneratedTransitionTyped() => DefaultPolicy.Transitions.Check(_implementTyped, _verifyTyped, _evidenceTyped).Verdict;

    [Benchmark(Baseline = true), BenchmarkCategory("TransitionSkip")]
    public Verdict InterpretedTransitionSkip() => _interpretedTransitions.Check(_implement, _verify + 2, _evidence).Verdict;

    [Benchmark, BenchmarkCategory("TransitionSkip")]
    public Verdict GeneratedTransitionSkip() => _generatedTransitions.Check(_implement, _verify + 2, _evidence).Verdict;

    [Benchmark(Baseline = true), BenchmarkCategory("Autonomy")]
    public Verdict InterpretedAutonomy() => _interpretedAutonomy.Check(_level, _risk);

    [Benchmark, BenchmarkCategory("Autonomy")]
    public Verdict GeneratedAutonomy() => _generatedAutonomy.Check(_level, _risk);

    [Benchmark, BenchmarkCategory("Autonomy")]
    public Verdict GeneratedAutonomyTyped() => DefaultPolicy.Autonomy.Check(_levelTyped, _riskTyped);

    [Benchmark(Baseline = true), BenchmarkCategory("Escalation")]
    public ulong InterpretedEscalation() => _interpretedEscalation.Evaluate(_noisy);

    [Benchmark, BenchmarkCategory("Escalation")]
    public ulong GeneratedEscalation() => _generatedEscalation.Evaluate(_noisy);

    [Benchmark, BenchmarkCategory("Escalation")]
    public DefaultPolicy.EscalationRules GeneratedEscalationTyped() => DefaultPolicy.Escalation.Evaluate(in _noisyTyped);

    /// <summary>A cold generator run: load, validate and lower the default policy, emit its gates.</summary>
    [Benchmark, BenchmarkCategory("Generator")]
    public int GeneratorRunDefaultPolicy()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new PolicyGateGenerator().AsSourceGenerator()], [_policy]);
        return driver.RunGenerators(_compilation).GetRunResult().GeneratedTrees.Length;
    }

    private sealed class PolicyText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
