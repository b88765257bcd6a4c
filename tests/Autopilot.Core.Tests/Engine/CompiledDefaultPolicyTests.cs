using Autopilot.Core.Gates;
using Autopilot.Core.Policies;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Tests.Engine;

/// <summary>The built-in default policy runs on the gates our own generator compiled into Autopilot.Core.</summary>
public sealed class CompiledDefaultPolicyTests
{
    [Fact]
    public void TheBuiltInDefaultUsesTheCompiledGatesAndAnyOtherPolicyTheInterpreter()
    {
        var builtIn = PolicySource.Load(null).Engine!;
        Assert.True(builtIn.IsCompiled);
        Assert.Equal(Autopilot.Core.Policies.Compiled.DefaultPolicy.Hash, builtIn.PolicyHash);
        Assert.IsNotType<InterpretedTransitionGate>(builtIn.TransitionGate);

        var edited = PolicySource.BuiltInDefaultText().Replace("version: 1.0.0", "version: 1.0.1", StringComparison.Ordinal);
        var plan = PlanBuilder.Compile(PolicyLoader.LoadText(edited, "edited.policy.yaml")).Plan!;
        var engine = PolicySource.EngineFor(plan);
        Assert.False(engine.IsCompiled);
        Assert.IsType<InterpretedTransitionGate>(engine.TransitionGate);
    }

    [Fact]
    public void CompiledAndInterpretedGatesAgreeOnEveryMoveOfTheDefaultPolicy()
    {
        var plan = PolicySource.Load(null).Engine!.Plan;
        var interpreted = new InterpretedTransitionGate(plan);
        var compiled = Autopilot.Core.Policies.Compiled.DefaultPolicy.Transitions;
        for (var from = -1; from <= plan.PhaseCount; from++)
        {
            for (var to = -1; to <= plan.PhaseCount; to++)
            {
                foreach (var evidence in new[] { 0UL, ulong.MaxValue, from >= 0 && from < plan.PhaseCount ? plan.RequiredEvidence[from] : 1UL, 0x5555UL })
                {
                    Assert.Equal(interpreted.Check(from, to, evidence), compiled.Check(from, to, evidence));
                }
            }
        }
    }
}
