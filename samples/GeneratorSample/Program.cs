using Autopilot.Core.Gates;
using Autopilot.Generated;

// SamplePolicy is generated at build time from policies/sample.policy.yaml (namespace Autopilot.Generated,
// class name from the file name). The typed members below exist only if the generator ran.
Console.WriteLine($"policy {SamplePolicy.Name} {SamplePolicy.Version}");

Transition(SamplePolicy.Phase.Plan, SamplePolicy.Phase.Build, SamplePolicy.Evidence.PlanDoc);
Transition(SamplePolicy.Phase.Plan, SamplePolicy.Phase.Build, SamplePolicy.Evidence.None);
Transition(SamplePolicy.Phase.Plan, SamplePolicy.Phase.Ship, SamplePolicy.Evidence.PlanDoc);

Autonomy(SamplePolicy.AutonomyLevel.Helper, SamplePolicy.RiskLevel.Low);
Autonomy(SamplePolicy.AutonomyLevel.Helper, SamplePolicy.RiskLevel.Medium);
Autonomy(SamplePolicy.AutonomyLevel.Observer, SamplePolicy.RiskLevel.High);

var stuck = SamplePolicy.Escalation.Evaluate(new SamplePolicy.Signals { ConsecutiveFailures = 3 });
Console.WriteLine($"escalation after 3 failures: {stuck}");

// The generated gates implement the engine's interfaces, so they can stand in for the interpreter.
ITransitionGate gate = SamplePolicy.Transitions;
Console.WriteLine($"through ITransitionGate: {gate.Check((int)SamplePolicy.Phase.Build, (int)SamplePolicy.Phase.Ship, (ulong)SamplePolicy.Evidence.TestReport).Verdict}");

static void Transition(SamplePolicy.Phase from, SamplePolicy.Phase to, SamplePolicy.Evidence evidence)
{
    var outcome = SamplePolicy.Transitions.Check(from, to, evidence);
    var missing = (SamplePolicy.Evidence)outcome.MissingEvidence;
    Console.WriteLine($"{SamplePolicy.IdOf(from)} -> {SamplePolicy.IdOf(to)} with {evidence}: {outcome.Verdict} ({outcome.Kind}), missing {missing}");
}

static void Autonomy(SamplePolicy.AutonomyLevel level, SamplePolicy.RiskLevel risk) =>
    Console.WriteLine($"{SamplePolicy.IdOf(level)} at {SamplePolicy.IdOf(risk)} risk: {SamplePolicy.Autonomy.Check(level, risk)}");
