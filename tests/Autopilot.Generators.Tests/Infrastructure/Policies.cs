namespace Autopilot.Generators.Tests.Infrastructure;

/// <summary>Small hand-written policies the tests share.</summary>
internal static class Policies
{
    /// <summary>Explicit edges (including a loop back and a jump), evidence, custom risks and levels, nested escalation.</summary>
    public const string Small = """
        apiVersion: autopilot/v1
        metadata:
          name: small
          version: 2.1.0
          description: A small policy for the generator tests.
        riskLevels: [safe, risky, dangerous]
        phases:
          - id: draft
            description: Write it.
            evidence: [notes]
          - id: check
            evidence: [report, log]
          - id: ship
        transitions:
          mode: explicit
          edges:
            - { from: draft, to: check }
            - { from: check, to: ship }
            - { from: check, to: draft }
            - { from: draft, to: ship }
          backtrack: { verdict: escalate }
          unknownPhase: { verdict: allow }
        evidence:
          items:
            - { id: notes, path: notes.md }
            - { id: report, path: report.json }
            - { id: log, path: build.log }
        autonomy:
          default: helper
          levels:
            - { id: watcher, allowUpTo: safe }
            - { id: helper, allowUpTo: safe, escalateUpTo: risky }
            - { id: owner, allowUpTo: dangerous }
        actions:
          defaultRisk: safe
          unlistedRisk: risky
          unknownRisk: dangerous
        escalation:
          - id: ESC-STUCK
            message: Stuck.
            condition:
              any:
                - { signal: consecutiveFailures, op: ">=", value: 3 }
                - all:
                    - { signal: retries, op: ">", value: 2 }
                    - { signal: confidence, op: "<=", value: 0.25 }
          - id: ESC-BUDGET
            severity: deny
            message: Budget spent.
            condition: { signal: budgetUsedFraction, op: ">=", value: 1 }
          - id: ESC-JS
            message: Only a predicate.
            when: "facts.signals.retries > 100"
        """;

    /// <summary>Every transition outcome's verdict overridden away from its default.</summary>
    public const string Overrides = """
        apiVersion: autopilot/v1
        metadata:
          name: overrides
          version: 1.0.0
        phases:
          - id: a
            description: First.
            evidence: [e]
          - id: b
            evidence: [f]
          - id: c
        transitions:
          skip: { id: X-SKIP, verdict: escalate }
          backtrack: { id: X-BACK, verdict: deny }
          missingEvidence: { id: X-MISSING, verdict: escalate }
          samePhase: { id: X-SAME, verdict: deny }
          unknownPhase: { id: X-UNKNOWN, verdict: allow }
        evidence:
          items:
            - { id: e, path: e.md }
            - { id: f, path: f.md }
        autonomy:
          default: careful
          levels:
            - { id: careful, allowUpTo: none, escalateUpTo: medium }
            - { id: trusted, allowUpTo: high, escalateUpTo: critical }
        """;
}
