using Autopilot;
using Autopilot.Core.Decisions;
using Autopilot.Core.Escalation;
using Autopilot.Policy.Model;

// Load the policy the repository uses (.autopilot/policy.yaml, policies/*.policy.yaml, or the built-in default) once.
var autopilot = AutopilotEngine.Load(args.Length > 0 ? args[0] : null);
Console.WriteLine($"policy: {autopilot.Origin} ({autopilot.PolicyHash[..12]})");

// 1. May task T-1 move from strategize to spec? (its evidence must be there)
Show("transition T-1 strategize -> spec", autopilot.Transition("T-1", "strategize", "spec"));

// 2. May an agent at execute_safe run these commands?
Show("act: git status && npm test", autopilot.Act("git status && npm test", "execute_safe"));
Show("act: rm -rf ~/", autopilot.Act("rm -rf ~/", "execute_safe"));

// 3. May the working tree's change land?
Show("judge: the working tree", autopilot.Judge());

// 4. Should a human be called in after five failures in a row?
Show("escalate: 5 failures in a row", autopilot.Escalate(RunSignals.Parse("""{"consecutiveFailures": 5}""")));

static void Show(string question, Decision decision)
{
    Console.WriteLine($"{question}: {decision.Verdict.ToWire()}");
    foreach (var finding in decision.Deciding)
    {
        Console.WriteLine($"  {finding.RuleId}: {finding.Message}");
    }
}
