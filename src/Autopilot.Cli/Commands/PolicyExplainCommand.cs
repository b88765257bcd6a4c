using System.CommandLine;
using System.Text;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Cli.Commands;

/// <summary>`autopilot policy explain`: the policy as readable text — phases, evidence, what each level may do, every rule.</summary>
internal static class PolicyExplainCommand
{
    public static Command Create()
    {
        var policy = CommonOptions.Policy();
        var repo = CommonOptions.Repo();
        var command = new Command("explain", "Explain a policy in plain words: phases, evidence, autonomy levels, rules.") { policy, repo };
        command.SetAction(result =>
        {
            var engine = CommonOptions.LoadPolicy(result.GetValue(policy), result.GetValue(repo)!);
            if (engine is null)
            {
                return (int)ExitCode.BadInput;
            }

            Console.Out.Write(Explain(engine));
            return (int)ExitCode.Allow;
        });
        return command;
    }

    public static string Explain(Autopilot.Core.Policies.PolicyEngine engine)
    {
        var plan = engine.Plan;
        var doc = plan.Source;
        var text = new StringBuilder();
        text.AppendLine($"Policy '{doc.Metadata.Name}' {doc.Metadata.Version} ({doc.SourcePath}, sha256 {doc.Hash[..12]}, {(engine.IsCompiled ? engine.EffectsCompiled ? "compiled gates and effects" : "compiled gates" : "interpreted")})");
        if (doc.Metadata.Description.Length > 0)
        {
            text.AppendLine(doc.Metadata.Description);
        }

        text.AppendLine();
        text.AppendLine($"Phases ({doc.Transitions.Mode}): {string.Join(" → ", plan.Phases)}");
        for (var p = 0; p < plan.PhaseCount; p++)
        {
            var phase = doc.Phases[p];
            var next = Enumerable.Range(0, plan.PhaseCount).Where(t => plan.Classify(p, t) == TransitionKind.Forward).Select(t => plan.Phases[t]).ToArray();
            text.Append($"  {phase.Id}");
            if (phase.Description.Length > 0)
            {
                text.Append($": {phase.Description}");
            }

            text.AppendLine();
            if (next.Length > 0)
            {
                var evidence = phase.Evidence.Count == 0 ? "no evidence" : string.Join(", ", phase.Evidence.Select(e => Describe(plan, e.Value)));
                text.AppendLine($"    → {string.Join(", ", next)} needs {evidence}");
            }

            if (plan.PhaseTools[p] is { } tools)
            {
                text.AppendLine($"    tools: {string.Join(", ", tools)}");
            }

            text.AppendLine($"    prompt drift: {plan.AttestationDrift[p].ToWire()}");
        }

        var t = doc.Transitions;
        text.AppendLine($"  Skipping phases: {t.Skip.Verdict.ToWire()} ({t.Skip.Id}); moving back: {t.Backtrack.Verdict.ToWire()} ({t.Backtrack.Id}); evidence is read from {doc.Evidence.Root}/<task>/<phase>/.");
        text.AppendLine();

        text.AppendLine($"Risk levels: {string.Join(" < ", plan.RiskLevels)}");
        text.AppendLine($"Autonomy levels (default {plan.DefaultAutonomy}):");
        foreach (var level in doc.Autonomy.Levels)
        {
            text.AppendLine($"  {level.Id}: alone up to '{level.AllowUpTo.Value}', with a human up to '{level.EscalateUpTo.Value}', denied above.{(level.Description.Length > 0 ? " " + level.Description : "")}");
        }

        if (doc.Autonomy.PromoteAfterSuccesses > 0 || doc.Autonomy.DemoteAfterFailures > 0)
        {
            // Checked and layered (a layer may only promote later and demote sooner), but no command moves a level yet.
            text.AppendLine($"  promoteAfterSuccesses {doc.Autonomy.PromoteAfterSuccesses}, demoteAfterFailures {doc.Autonomy.DemoteAfterFailures}: recorded; no command moves an actor's level by them yet.");
        }

        text.AppendLine();
        var packs = string.Join(", ", Autopilot.Policy.Plan.PlanBuilder.PackNames(doc).Select(p => p.Value));
        text.AppendLine(doc.Actions.Mode == "effects"
            ? $"Actions (judged by effects; packs: {packs}; a program no pack knows: {doc.Actions.UnlistedRisk}; nothing matched: {doc.Actions.DefaultRisk}; unreadable or dynamic: {doc.Actions.UnknownRisk}):"
            : $"Actions ({doc.Actions.Mode}; packs: {packs}; unmatched: {doc.Actions.DefaultRisk}; unreadable or dynamic: {doc.Actions.UnknownRisk}):");
        foreach (var risk in doc.Risks)
        {
            text.AppendLine($"  {risk.Id} [{risk.Risk.Value}] {risk.Message}");
        }

        text.AppendLine();
        text.AppendLine("Escalation:");
        foreach (var rule in doc.Escalation)
        {
            var condition = rule.Condition is null ? "" : " when " + DescribeCondition(rule.Condition);
            var when = rule.When is null ? "" : $" and ({rule.When.Value.Trim()})";
            text.AppendLine($"  {rule.Id} [{rule.Severity.ToWire()}]{condition}{when}: {rule.Message}");
        }

        text.AppendLine();
        text.AppendLine($"Failures (up to {doc.Failures.MaxRetries} retries; unknown failures {(doc.Failures.RetryUnknown ? "are" : "are not")} retried):");
        foreach (var failure in doc.Failures.Classes)
        {
            text.AppendLine($"  {failure.Id}: {(failure.Retry ? "retry" : "do not retry")}. {failure.Message}");
        }

        text.AppendLine();
        text.AppendLine("Diff rules:");
        foreach (var rule in doc.Diff)
        {
            text.AppendLine($"  {rule.Id} ({rule.Kind}) [{rule.Severity.ToWire()}] {rule.Message}");
        }

        return text.ToString();
    }

    private static string Describe(PolicyPlan plan, string evidenceId)
    {
        var index = plan.IndexOfEvidence(evidenceId);
        if (index < 0)
        {
            return evidenceId;
        }

        var def = plan.Evidence[index];
        var checks = new List<string>();
        if (def.Schema is not null)
        {
            checks.Add("schema");
        }

        if (def.Check is { } check)
        {
            checks.Add(check.Kind == "rubric-threshold" ? $"every score ≥ {check.Threshold}" : check.Kind);
        }

        if (def.When is not null)
        {
            checks.Add("a predicate");
        }

        return checks.Count == 0 ? def.Path : $"{def.Path} ({string.Join(", ", checks)})";
    }

    private static string DescribeCondition(ConditionDef c)
    {
        var parts = new List<string>();
        if (c.Signal is not null)
        {
            parts.Add($"{c.Signal} {c.Op} {c.Value}");
        }

        if (c.All.Count > 0)
        {
            parts.Add(string.Join(" and ", c.All.Select(DescribeCondition)));
        }

        if (c.Any.Count > 0)
        {
            parts.Add("(" + string.Join(" or ", c.Any.Select(DescribeCondition)) + ")");
        }

        return string.Join(" and ", parts);
    }
}
