using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Ledger;
using Autopilot.Core.Lifecycle;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// Issue 14. Targets: recording provenance and the decision log adds ≤10% to a durable ledger append (the same
/// transition entry appended with and without its decision record, record building included); replaying 10,000
/// logged decisions under two policies takes ≤2 s in process (verification and reading of the ledger included).
/// </summary>
[MemoryDiagnoser]
public class LifecycleBenchmarks
{
    private const int LoggedDecisions = 10_000;

    private string _dir = "";
    private FileLedgerStore _ledger = null!;
    private LedgerAppend _draft = null!;
    private PolicyEngine _engine = null!;
    private Decision _decision = null!;
    private DecisionFacts _facts = null!;
    private LoadedPolicy _old = null!;
    private LoadedPolicy _new = null!;
    private string _replayLedger = "";

    [GlobalSetup]
    public void Setup()
    {
        var loaded = PolicySource.Load(null);
        _engine = loaded.Engine!;
        _draft = new LedgerAppend
        {
            Actor = "agent-7",
            Kind = LedgerEntryKind.Transition,
            Task = "T-42",
            FromPhase = "implement",
            ToPhase = "verify",
            Verdict = Verdict.Allow,
            RuleIds = [],
            PolicyHash = _engine.PolicyHash,
            Evidence = new Dictionary<string, string> { ["git_diff"] = new string('b', 64) },
            // What RecordedTransitions writes today: the kind and the findings.
            Details = JsonSerializer.SerializeToElement(new { kind = "forward", findings = Array.Empty<object>() }),
        };
        _decision = RuleEnforcement.Apply(new Decision([new Finding("AP-PHASE-SKIP", Severity.Info, "Phases move forward one step at a time.")], _engine.PolicyHash, TimeSpan.FromMicroseconds(3)), _engine.Plan);
        _facts = new DecisionFacts
        {
            Task = "T-42",
            From = "implement",
            To = "verify",
            EvidenceRoot = "/work/repo/state/evidence",
            Evidence = new Dictionary<string, string> { ["git_diff"] = new string('b', 64) },
        };
        _dir = Path.Combine(AppContext.BaseDirectory, "lifecycle-bench-" + Guid.NewGuid().ToString("N"));
        _ledger = FileLedgerStore.Open(Path.Combine(_dir, "ledger"));

        // The replay: 10,000 logged command decisions, and two policies that differ in one rule.
        var text = PolicySource.BuiltInDefaultText();
        var withShadow = text.Replace("risks:\n", "risks:\n  - id: team-no-curl\n    risk: critical\n    message: curl leaves the sandbox\n    enforcement: shadow\n    command: { programs: [curl] }\n", StringComparison.Ordinal);
        var enforced = withShadow.Replace("    enforcement: shadow\n", "", StringComparison.Ordinal);
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "old.policy.yaml"), withShadow);
        File.WriteAllText(Path.Combine(_dir, "new.policy.yaml"), enforced);
        _old = PolicySource.Load(Path.Combine(_dir, "old.policy.yaml"));
        _new = PolicySource.Load(Path.Combine(_dir, "new.policy.yaml"));
        _replayLedger = Path.Combine(_dir, "replay-ledger");
        var context = ActionContext.ForCurrentUser("/work/repo") with { WorkingDirectory = "/work/repo", Phase = "implement" };
        string[] commands = ["curl https://example.com", "git status", "dotnet test", "rm -rf build", "ls -la src", "git push origin main", "npm install", "cat README.md"];
        var records = commands.Select(c => DecisionRecord.From(DecisionQuestions.Command, _old.Engine!.Actions.Command(c, context, "execute_safe"),
            new DecisionFacts { Command = c, Repository = "/work/repo", WorkingDirectory = "/work/repo", Level = "execute_safe", Phase = "implement" })).ToArray();
        using var replayLedger = FileLedgerStore.Open(_replayLedger);
        Parallel.For(0, LoggedDecisions, new ParallelOptions { MaxDegreeOfParallelism = 64 }, i => DecisionLog.Record(replayLedger, "agent-7", records[i % records.Length]));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The baseline: a transition entry as recorded before issue 14.</summary>
    [Benchmark(Baseline = true)]
    public long DurableAppend() => _ledger.Append(_draft).Entry.Sequence;

    /// <summary>The same entry carrying its decision record (built, masked and serialised each time).</summary>
    [Benchmark]
    public long DurableAppendWithDecisionRecord() =>
        _ledger.Append(DecisionLog.Attach(_draft, DecisionRecord.From(DecisionQuestions.Transition, _decision, _facts, "builtin:default.policy.yaml"))).Entry.Sequence;

    /// <summary>Only the record's cost: build, mask, serialise into the entry's details; no I/O.</summary>
    [Benchmark]
    public LedgerAppend DecisionRecordOnly() => DecisionLog.Attach(_draft, DecisionRecord.From(DecisionQuestions.Transition, _decision, _facts, "builtin:default.policy.yaml"));

    /// <summary>Verify and read a 10,000-decision ledger, decide every decision again under two policies.</summary>
    [Benchmark]
    public int Replay10000LoggedDecisions()
    {
        var log = VerifiedDecisionLog.Read(_replayLedger);
        var cases = log.Decisions.Select(d => ReplayCases.FromLog(d, out _)!).ToArray();
        return PolicyReplay.Run(_old, _new, cases).Changed;
    }
}
