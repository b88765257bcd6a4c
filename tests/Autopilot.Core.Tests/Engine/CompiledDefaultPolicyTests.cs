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
    public void TheCompiledInEventsAreThoseOfTheShippedTextAndALoadOfTheDefaultReadsAndWritesNoYaml()
    {
        // The generator recorded the events and the hash from the same file the assembly embeds as the default's text.
        var text = PolicySource.BuiltInDefaultText();
        Assert.Equal(Autopilot.Core.Policies.Compiled.DefaultPolicy.Hash, PolicyLoader.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal(YamlEventCache.Record(text), Autopilot.Core.Policies.Compiled.DefaultPolicy.PolicyEvents.ToArray());

        // Loading from the events binds the same policy the text gives: the same plan, rule for rule.
        var fromEvents = PolicySource.LoadBuiltInEvents().Document!;
        var fromText = PolicyLoader.LoadText(text, PolicySource.BuiltInName).Document!;
        Assert.Equal(fromText.Hash, fromEvents.Hash);
        Assert.Equal(fromText.Risks.Select(r => (r.Id, r.Location?.Line)), fromEvents.Risks.Select(r => (r.Id, r.Location?.Line)));
        Assert.Equal(fromText.Phases.Select(p => p.Id), fromEvents.Phases.Select(p => p.Id));

        // A plain load of the default neither reads nor stores parsed YAML: nothing is written to the cache folder.
        var cache = Path.Combine(Path.GetTempPath(), "ap-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var loaded = PolicySource.Load(null, cacheDirectory: cache);
            Assert.True(loaded.Engine!.IsCompiled);
            Assert.Empty(loaded.Diagnostics);
            Assert.False(Directory.Exists(cache) && Directory.GetFiles(cache, "yaml-*.bin").Length > 0);
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    [Fact]
    public void TheCompiledInDefaultLintsCleanSoSkippingItsValidationAtRunTimeLosesNothing()
    {
        var lint = PolicySource.Load(null, lint: true);
        Assert.True(lint.Succeeded);
        Assert.Empty(lint.Diagnostics);
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
