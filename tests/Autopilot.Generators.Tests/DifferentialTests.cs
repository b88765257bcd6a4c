using System.Diagnostics;
using System.Reflection;
using Autopilot.Core.Gates;
using Autopilot.Generators.Tests.Infrastructure;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;
using static Autopilot.Generators.Tests.Infrastructure.RandomPolicyGen;

namespace Autopilot.Generators.Tests;

/// <summary>
/// The generated gates, compiled in memory and loaded, against the interpreter over the same plan: for the
/// default policy, the small one and many random valid policies, every random fact (including indices out of
/// range, evidence near what a phase needs, signals at, just under and just over thresholds, NaN, short signal
/// records) must get the identical answer. Default run: 50 random policies × 10,000 facts; with
/// AUTOPILOT_LONG_TESTS=1, 300 policies.
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private const int FactsPerTest = 100;
    private const int TestsPerPolicy = 100; // × FactsPerTest = 10,000 facts per policy
    private static readonly bool s_long = Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") == "1";

    [Fact]
    public void Default_policy_gates_answer_as_the_interpreter()
    {
        var gates = Compile([("/policies/default.policy.yaml", Repo.DefaultPolicyText)]);

        var facts = AssertAgree(gates[0], seed: 1);

        Assert.Equal(TestsPerPolicy * FactsPerTest, facts);
    }

    [Fact]
    public void Small_policy_gates_answer_as_the_interpreter()
    {
        var gates = Compile([("/policies/small.policy.yaml", Policies.Small)]);

        AssertAgree(gates[0], seed: 2);
    }

    [Fact]
    public void Overriding_and_example_policies_gates_answer_as_the_interpreter()
    {
        // Every transition verdict overridden (OneLoweringTests.Overrides), and the shipped examples.
        var names = new[] { "overrides", "minimal", "custom-risk-levels", "strict-allowlist", "quickstarts-allowlist" };
        var gates = Compile([.. names.Select(OneLoweringTests.Policy)]);

        for (var i = 0; i < gates.Count; i++)
        {
            Assert.Equal(TestsPerPolicy * FactsPerTest, AssertAgree(gates[i], seed: (ulong)(10 + i)));
        }
    }

    [Fact]
    public void Random_policies_gates_answer_as_the_interpreter()
    {
        var count = s_long ? 300 : 50;
        var clock = Stopwatch.StartNew();
        var policies = Gen.Sample(RandomPolicyGen.Policy(), count, new Rnd(20240611UL), 20);
        var gates = Compile([.. policies.Select((p, i) => ($"/random/random-{i:000}.policy.yaml", p.ToYaml()))]);
        output.WriteLine($"{count} random policies generated and compiled in {clock.ElapsedMilliseconds} ms");

        var facts = 0;
        for (var i = 0; i < gates.Count; i++)
        {
            var n = AssertAgree(gates[i], seed: (ulong)(100 + i));
            facts += n;
        }

        output.WriteLine($"{facts} facts checked in {clock.ElapsedMilliseconds} ms in all");
        Assert.Equal(count * TestsPerPolicy * FactsPerTest, facts);
        // The random policies must cover what the generator has to get right.
        Assert.Contains(policies, p => p.Explicit);
        Assert.Contains(policies, p => p.Escalation.Any(e => e.Condition is { Signal: not null } c && (c.All.Length > 0 || c.Any.Length > 0)));
        Assert.Contains(policies, p => p.Escalation.Any(e => e.Condition is { Signal: null, All.Length: > 0 }));
        Assert.Contains(policies, p => p.Levels.Length > 0);
        Assert.Contains(policies, p => p.Edges.Any(e => e.To <= e.From));
    }

    /// <summary>Generated and interpreted gates of one policy.</summary>
    private sealed record GatePair(string Path, PolicyPlan Plan, ITransitionGate Transitions, IAutonomyGate Autonomy, IEscalationGate Escalation);

    /// <summary>Runs the generator over all the policies at once, compiles the output into one assembly and loads it.</summary>
    private static List<GatePair> Compile(IReadOnlyList<(string Path, string Yaml)> policies)
    {
        var run = GeneratorHarness.Run(policies.Select(p => (Microsoft.CodeAnalysis.AdditionalText)new InMemoryText(p.Path, p.Yaml)));
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        var assembly = GeneratorHarness.Load(run.Output);

        var gates = new List<GatePair>();
        foreach (var (path, yaml) in policies)
        {
            var compiled = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, path), PolicyChecks.None);
            Assert.True(compiled.Succeeded, string.Join(Environment.NewLine, compiled.Diagnostics));
            var type = $"Autopilot.Generated.{PolicyGateGenerator.ClassNameFromPath(path)}";
            gates.Add(new GatePair(
                path,
                compiled.Plan!,
                Create<ITransitionGate>(assembly, type + "+TransitionGate"),
                Create<IAutonomyGate>(assembly, type + "+AutonomyGate"),
                Create<IEscalationGate>(assembly, type + "+EscalationGate")));
        }

        return gates;
    }

    private static T Create<T>(Assembly assembly, string typeName) =>
        (T)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!)!;

    /// <summary>FsCheck: batches of random facts; each must get the same answer from both sides. Returns how many facts were checked.</summary>
    private static int AssertAgree(GatePair gates, ulong seed)
    {
        var plan = gates.Plan;
        var interpreted = (Transitions: new InterpretedTransitionGate(plan), Autonomy: new InterpretedAutonomyGate(plan), Escalation: new InterpretedEscalationGate(plan));
        var thresholds = plan.Escalation.Where(e => e.Condition is not null).SelectMany(e => Values(e.Condition!)).Distinct().ToArray();
        var facts = Facts(plan.PhaseCount, plan.RequiredEvidence, plan.AutonomyLevels.Count, plan.RiskLevels.Count, thresholds).ArrayOf(FactsPerTest);
        var checkedFacts = 0;

        var property = Prop.ForAll(Arb.From(facts), batch =>
        {
            foreach (var f in batch)
            {
                var expectedTransition = interpreted.Transitions.Check(f.From, f.To, f.Evidence);
                var actualTransition = gates.Transitions.Check(f.From, f.To, f.Evidence);
                var expectedAutonomy = interpreted.Autonomy.Check(f.Level, f.Risk);
                var actualAutonomy = gates.Autonomy.Check(f.Level, f.Risk);
                var expectedEscalation = interpreted.Escalation.Evaluate(f.Signals);
                var actualEscalation = gates.Escalation.Evaluate(f.Signals);
                if (expectedTransition != actualTransition || expectedAutonomy != actualAutonomy || expectedEscalation != actualEscalation)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"{gates.Path}: {f}{Environment.NewLine}" +
                        $"  transition: interpreter {expectedTransition}, generated {actualTransition}{Environment.NewLine}" +
                        $"  autonomy:   interpreter {expectedAutonomy}, generated {actualAutonomy}{Environment.NewLine}" +
                        $"  escalation: interpreter 0x{expectedEscalation:x}, generated 0x{actualEscalation:x}");
                }

                checkedFacts++;
            }

            return true;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(TestsPerPolicy).WithReplay(new Replay(new Rnd(seed), null)).WithQuietOnSuccess(true), property);
        return checkedFacts;
    }

    private static IEnumerable<double> Values(ConditionPlan c) =>
        (c.Op is ConditionOp.All or ConditionOp.Any ? [] : new[] { c.Value }).Concat(c.Children.SelectMany(Values));
}
