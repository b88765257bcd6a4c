using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Hooks;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;

namespace Autopilot.Cli.Commands;

/// <summary>
/// The one place the deciding commands (check, gate, escalate, hook; transition through its own ledger entry) write
/// the decision log (issue 14). A decision is recorded when the repository keeps a ledger (a shared store is configured,
/// or the state folder's <c>ledger/</c> exists) or <c>AUTOPILOT_DECISION_LOG=on</c>; never with
/// <c>AUTOPILOT_DECISION_LOG=off</c>. It goes where the configuration puts the ledger (<see cref="StateOptions.OpenStores(string)"/>).
/// A ledger that cannot be written is reported on stderr and leaves the decision as it is.
/// </summary>
internal static class DecisionRecording
{
    public const string SwitchVariable = "AUTOPILOT_DECISION_LOG";

    /// <summary>Whether decisions made with this state folder are logged.</summary>
    public static bool Enabled(string stateDir) => Environment.GetEnvironmentVariable(SwitchVariable) switch
    {
        "off" or "0" or "false" => false,
        "on" or "1" or "true" => true,
        _ => StateOptions.KeepsLedger(stateDir),
    };

    /// <summary>Records <paramref name="decision"/> and the facts it read; returns the entry's sequence, or null when nothing was recorded.</summary>
    public static long? Record(PolicyEngine engine, string stateDir, string actor, string question, Decision decision, DecisionFacts facts)
    {
        try
        {
            if (!Enabled(stateDir))
            {
                return null;
            }

            var record = DecisionRecord.From(question, decision, facts, Origin(engine));
            using var stores = StateOptions.OpenStores(stateDir);
            using var ledger = stores.OpenLedger();
            return DecisionLog.Record(ledger, actor, record).Entry.Sequence;
        }
        catch (Exception ex) when (StateOptions.IsStateFailure(ex))
        {
            Console.Error.WriteLine($"autopilot: warning: the decision was not logged: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Records <paramref name="decision"/> as an entry of <paramref name="kind"/> because the caller asked for it (an
    /// escalation with <c>--record</c>): unlike <see cref="Record"/> it is written whatever the switch says, and a ledger
    /// that cannot take it throws (<see cref="StateOptions.IsStateFailure"/>), so the command fails closed.
    /// </summary>
    public static long RecordAs(LedgerEntryKind kind, PolicyEngine engine, string stateDir, string actor, string question, Decision decision, DecisionFacts facts)
    {
        using var stores = StateOptions.OpenStores(stateDir);
        using var ledger = stores.OpenLedger();
        return DecisionLog.Record(ledger, actor, For(engine, question, decision, facts), kind).Entry.Sequence;
    }

    /// <summary>The record to attach to an entry a command appends anyway (a transition, an escalation): no second append.</summary>
    public static DecisionRecord For(PolicyEngine engine, string question, Decision decision, DecisionFacts facts) =>
        DecisionRecord.From(question, decision, facts, Origin(engine));

    /// <summary>The actor to record: $AUTOPILOT_ACTOR, else the user.</summary>
    public static string DefaultActor() => Environment.GetEnvironmentVariable("AUTOPILOT_ACTOR") ?? Environment.UserName;

    private static string Origin(PolicyEngine engine) =>
        engine.Plan.SourcePath is { Length: > 0 } path ? path : PolicySource.BuiltInName;
}
