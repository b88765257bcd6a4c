using Autopilot.Core.Actions;
using Autopilot.Core.Policies;
using Autopilot.Core.Predicates;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// <c>when:</c> predicates on Jint 4: one call with facts handed over as JavaScript values and through JSON, and a
/// command decision whose risk rule has a predicate (judged for each invocation).
/// </summary>
[MemoryDiagnoser]
public class PredicateBenchmarks
{
    private const string Json = """{"program":"pkill","args":["node"],"command":"pkill node","quote":"program 'pkill'","phase":null,"level":"execute_safe"}""";

    private readonly PredicateEngine _predicates = new();
    private readonly PredicateFacts _facts = new PredicateFacts()
        .Add("program", "pkill").Add("args", ["node"]).Add("command", "pkill node").Add("quote", "program 'pkill'").Add("phase", (string?)null).Add("level", "execute_safe");

    private PolicyEngine _engine = null!;
    private ActionContext _context = null!;

    [Params("facts.program === 'pkill' && facts.args[0] === 'node'", "facts.args.every(a => ['node', 'npm', 'vite'].includes(a))")]
    public string Predicate { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        const string yaml = """
            phases: [a]
            riskLevels: [none, low, medium, high, critical]
            autonomy:
              default: execute_safe
              levels:
                - { id: execute_safe, allowUpTo: low, escalateUpTo: high }
            risks:
              - id: R-PKILL
                risk: high
                message: Killing a process that is not a dev server
                command: { programs: [pkill] }
                when: "!facts.positionals.every(p => ['node', 'vite'].includes(p))"
            """;
        _engine = new PolicyEngine(PlanBuilder.Compile(PolicyLoader.LoadText(yaml, "bench.policy.yaml"), PolicySource.RuntimeChecks).Plan!);
        _context = new ActionContext("/work/repo", "/home/agent") { ResolveSymlinks = false };
    }

    [Benchmark]
    public bool CallWithFacts() => _predicates.Evaluate(Predicate, _facts);

    [Benchmark]
    public bool CallWithJson() => _predicates.Evaluate(Predicate, Json);

    [Benchmark]
    public int CommandDecisionWithPredicate() => _engine.Actions.Command("pkill node; pkill bash", _context, "execute_safe").Findings.Count;
}
