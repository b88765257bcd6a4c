using Autopilot.Core.Autonomy;
using Autopilot.Core.Escalation;
using Autopilot.Core.Gates;
using Autopilot.Core.Policies;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// The hot path of the engine with the default policy: an interpreted transition check and an
/// autonomy check (targets: ≤200 ns, 0 bytes each), and escalation over the default rules (≤2 µs
/// per signals record). Agent frameworks of this kind report ≈0.68 ms per phase transition.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private PolicyEngine _engine = null!;
    private ITransitionGate _transitions = null!;
    private IAutonomyGate _autonomy = null!;
    private EscalationEvaluator _escalation = null!;
    private RunSignals _quiet = null!;
    private RunSignals _noisy = null!;
    private int _implement;
    private int _verify;
    private ulong _evidence;
    private int _level;
    private int _risk;

    [GlobalSetup]
    public void Setup()
    {
        _engine = PolicySource.Load(null).Engine ?? throw new InvalidOperationException("The default policy does not compile.");
        _transitions = _engine.TransitionGate;
        _autonomy = _engine.AutonomyGate;
        _escalation = new EscalationEvaluator(_engine);
        _implement = _engine.Plan.IndexOfPhase("implement");
        _verify = _engine.Plan.IndexOfPhase("verify");
        _evidence = _engine.Plan.RequiredEvidence[_implement];
        _level = _engine.Plan.IndexOfAutonomyLevel("execute_safe");
        _risk = _engine.Plan.IndexOfRisk("high");
        _quiet = RunSignals.Parse("""{"consecutiveFailures": 1, "confidence": 0.9, "budgetUsedFraction": 0.2}""");
        _noisy = RunSignals.Parse("""{"consecutiveFailures": 4, "confidence": 0.3, "budgetUsedFraction": 0.9, "optionCount": 3, "topOptionScoreGap": 0.02}""");
    }

    [Benchmark]
    public Policy.Model.Verdict TransitionCheck() => _transitions.Check(_implement, _verify, _evidence).Verdict;

    [Benchmark]
    public Policy.Model.Verdict TransitionSkipCheck() => _transitions.Check(_implement, _verify + 2, _evidence).Verdict;

    [Benchmark]
    public Policy.Model.Verdict AutonomyCheck() => _autonomy.Check(_level, _risk);

    [Benchmark]
    public ulong EscalationGateOnly() => _engine.EscalationGate.Evaluate(_noisy.Values);

    [Benchmark]
    public Policy.Model.Verdict EscalationQuiet() => _escalation.Evaluate(_quiet).Verdict;

    [Benchmark]
    public Policy.Model.Verdict EscalationNoisy() => _escalation.Evaluate(_noisy).Verdict;

    [Benchmark]
    public Policy.Model.Verdict AutonomyDecision() => new AutonomyEvaluator(_engine).Check(_level, _risk).Verdict;
}
