using System.Diagnostics;
using System.Text.Json;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Ledger;
using Autopilot.Core.Lifecycle;
using Autopilot.Core.Policies;
using Autopilot.Core.Secrets;
using Autopilot.Core.Tests.Engine;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Lifecycle;

/// <summary>Issue 14 in process: enforcement levels, provenance, the decision log, the shadow report and replay.</summary>
public sealed class LifecycleTests : IDisposable
{
    private const string Token = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";
    private static readonly ActionContext s_context = new("/work/repo", "/home/agent") { ResolveSymlinks = false, Phase = "implement" };
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string PolicyText(string curl = "enforce", string make = "enforce", string escalation = "enforce") => $$"""
        riskLevels: [none, low, medium, high, critical]
        phases: [implement]
        autonomy:
          default: execute_safe
          levels:
            - { id: execute_safe, allowUpTo: low, escalateUpTo: high }
        actions: { defaultRisk: low }
        risks:
          - id: R-CURL
            risk: critical
            message: curl leaves the sandbox
            enforcement: {{curl}}
            command: { programs: [curl] }
          - id: R-MAKE
            risk: medium
            message: make runs recipes
            enforcement: {{make}}
            command: { programs: [make] }
        escalation:
          - id: E-FAIL
            message: too many failures
            enforcement: {{escalation}}
            condition: { signal: consecutiveFailures, op: ">=", value: 3 }
        """;

    private static LoadedPolicy Loaded(string text) => new("/t/test.policy.yaml", EngineFixture.Compile(text), []);

    [Fact]
    public void AShadowRuleLeavesTheVerdictAndIsKeptBesideIt()
    {
        var engine = EngineFixture.Compile(PolicyText(curl: "shadow"));
        var decision = engine.Actions.Command("curl https://x", s_context, "execute_safe");
        Assert.Equal(Verdict.Allow, decision.Verdict);
        Assert.DoesNotContain(decision.Findings, f => f.RuleId == "R-CURL");
        var shadow = Assert.Single(decision.Shadow, f => f.RuleId == "R-CURL");
        Assert.Equal(Enforcement.Shadow, shadow.Enforcement);
        Assert.Equal(Verdict.Deny, decision.ShadowVerdict);
        Assert.Equal(new SourceLocation("/t/test.policy.yaml", 9, 5), shadow.RuleSource! with { Length = 0, Offset = 0 });

        // With a shadow rule and an enforced one matching, the enforced one decides on its own risk.
        var both = engine.Actions.Command("make && curl https://x", s_context, "execute_safe");
        Assert.Equal(Verdict.Escalate, both.Verdict);
        Assert.Contains(both.Deciding, f => f.RuleId == "R-MAKE");

        var judged = engine.Actions.Judge(engine.Actions.Classifier.ClassifyCommand("curl https://x", s_context), "execute_safe", s_context);
        Assert.DoesNotContain(judged.Classification.Matches, m => m.RuleId == "R-CURL");
    }

    [Fact]
    public void AWarnRuleIsReportedAndNeverBlocks()
    {
        var engine = EngineFixture.Compile(PolicyText(curl: "warn"));
        var decision = engine.Actions.Command("curl https://x", s_context, "execute_safe");
        Assert.Equal(Verdict.Allow, decision.Verdict);
        var warn = Assert.Single(decision.Findings, f => f.RuleId == "R-CURL");
        Assert.Equal(Severity.Warning, warn.Severity);
        Assert.Equal(Severity.Deny, warn.Intended);
        Assert.Equal(Verdict.Deny, decision.ShadowVerdict);

        var escalation = EngineFixture.Compile(PolicyText(escalation: "warn"));
        var signals = new RunSignals { ["consecutiveFailures"] = 4 };
        var fired = new EscalationEvaluator(escalation).Evaluate(signals);
        Assert.Equal(Verdict.Allow, fired.Verdict);
        Assert.Equal(Severity.Escalate, Assert.Single(fired.Findings).Intended);
    }

    [Fact]
    public void UnknownCommandsStayDeniedWhateverTheLevelsOfTheRulesThatMatched()
    {
        var engine = EngineFixture.Compile(PolicyText(curl: "shadow"));
        var decision = engine.Actions.Command("curl 'unterminated", s_context, "execute_safe");
        Assert.Equal(Verdict.Deny, decision.Verdict);
    }

    [Fact]
    public void AnEnforcementLevelTheLoaderDoesNotKnowIsAnErrorAtItsPlace()
    {
        var loaded = PolicyLoader.LoadText(PolicyText(curl: "audit"), "/t/p.yaml");
        var error = Assert.Single(loaded.Diagnostics, d => d.Severity == Autopilot.Policy.Diagnostics.DiagnosticSeverity.Error);
        Assert.Contains("audit", error.Message);
        Assert.Equal(12, error.Location!.Line);
    }

    [Fact]
    public void TheDecisionLogRoundTripsThroughTheLedgerWithSecretsMasked()
    {
        var engine = EngineFixture.Compile(PolicyText(curl: "shadow", make: "warn"));
        var command = $"make && curl -H 'token: {Token}' https://x";
        var decision = engine.Actions.Command(command, s_context, "execute_safe");
        using var input = JsonDocument.Parse($$"""{"command": "{{command.Replace("'", "\\u0027")}}", "nested": ["AKIAABCDEFGHIJKLMNOP"]}""");
        var facts = new DecisionFacts { Command = command, Level = "execute_safe", Phase = "implement", Tool = "Bash", ToolInput = input.RootElement.Clone() };
        var record = DecisionRecord.From(DecisionQuestions.Command, decision, facts, "/t/test.policy.yaml");

        var dir = _temp.Sub("ledger");
        using (var ledger = FileLedgerStore.Open(dir))
        {
            DecisionLog.Record(ledger, "agent-1", record);
            ledger.Append(DecisionLog.Attach(new LedgerAppend { Actor = "agent-1", Kind = LedgerEntryKind.Transition, Task = "T-1", ToPhase = "implement", Details = JsonDocument.Parse("""{"kind":"forward"}""").RootElement }, record));
        }

        var text = File.ReadAllText(Path.Combine(dir, FileLedgerStore.LedgerFileName));
        Assert.DoesNotContain(Token, text);
        Assert.DoesNotContain("AKIAABCDEFGHIJKLMNOP", text);
        Assert.True(LedgerVerifier.Verify(dir).IsValid);

        var log = VerifiedDecisionLog.Read(dir);
        Assert.Equal(2, log.Decisions.Count);
        var read = log.Decisions[0].Record;
        Assert.Equal(LedgerEntryKind.Decision, log.Decisions[0].Entry.Kind);
        Assert.Equal("forward", log.Decisions[1].Entry.Details!.Value.GetProperty("kind").GetString());
        Assert.Equal(decision.Verdict, read.Verdict);
        Assert.Equal(Verdict.Deny, read.ShadowVerdict);
        Assert.Equal(engine.PolicyHash, read.PolicyDigest);
        Assert.Equal("R-CURL", Assert.Single(read.Shadow).Id);
        Assert.Equal(9, read.Shadow[0].Line);
        var make = Assert.Single(read.Rules, r => r.Id == "R-MAKE");
        Assert.Equal(Enforcement.Warn, make.Enforcement);
        Assert.Equal(Severity.Info, make.Intended); // with every rule enforced, the critical curl match decides, not make
        Assert.Contains("ghp_…masked…", read.Facts.Command);
        Assert.Equal(["R-MAKE", "R-CURL"], read.FiredRuleIds.Where(id => id.StartsWith("R-", StringComparison.Ordinal)));
    }

    [Fact]
    public void MaskingKeepsAMaskedCommandOneShellWord()
    {
        Assert.Equal("echo ghp_…masked… done", SecretDetectors.Mask($"echo {Token} done"));
        Assert.Equal("export API_KEY=9f8e…masked…", SecretDetectors.Mask("export API_KEY=9f8e7d6c5b4a39281706f5e4d3c2b1a0"));
        Assert.Equal("password=changeme", SecretDetectors.Mask("password=changeme"));
        Assert.Equal("ls -la", SecretDetectors.Mask("ls -la"));
    }

    [Fact]
    public void TheShadowReportCountsWhatWarnAndShadowRulesWouldHaveDone()
    {
        var engine = EngineFixture.Compile(PolicyText(curl: "shadow", make: "warn"));
        var dir = _temp.Sub("ledger");
        using (var ledger = FileLedgerStore.Open(dir))
        {
            foreach (var command in new[] { "curl a", "curl b", "make", "ls" })
            {
                DecisionLog.Record(ledger, "a", DecisionRecord.From(DecisionQuestions.Command, engine.Actions.Command(command, s_context, "execute_safe"), new DecisionFacts { Command = command }));
            }
        }

        var now = DateTimeOffset.UtcNow;
        var report = ShadowReport.Build(VerifiedDecisionLog.Read(dir).Decisions, now.AddDays(-7), now.AddMinutes(1));
        Assert.Equal(4, report.Decisions);
        Assert.Equal(3, report.WouldChange);
        Assert.Equal("R-CURL", report.Rules[0].RuleId);
        Assert.Equal(2, report.Rules[0].WouldChange);
        Assert.Equal(2, report.Rules[0].WouldBe[Verdict.Deny]);
        Assert.Equal(1, report.Rules.Single(r => r.RuleId == "R-MAKE").WouldBe[Verdict.Escalate]);
        Assert.Equal(0, ShadowReport.Build(VerifiedDecisionLog.Read(dir).Decisions, now.AddDays(1), now.AddDays(2)).Decisions);

        Assert.Equal(TimeSpan.FromDays(7), ShadowReport.ParsePeriod("7d"));
        Assert.Equal(TimeSpan.FromDays(14), ShadowReport.ParsePeriod("2w"));
        Assert.Throws<FormatException>(() => ShadowReport.ParsePeriod("7"));
        Assert.Throws<FormatException>(() => ShadowReport.ParsePeriod("-1d"));
    }

    [Fact]
    public void ReplayGroupsTheChangesByRuleAndCountsLoosenedAndTightened()
    {
        var before = Loaded(PolicyText(curl: "shadow"));
        var after = Loaded(PolicyText(make: "warn"));
        var cases = new[] { "curl a", "curl b", "make x", "ls" }
            .Select((c, i) => ReplayCases.FromCorpusLine(JsonSerializer.Serialize(new { command = c }), $"c:{i + 1}", "/work/repo", null, "implement"))
            .ToArray();
        var report = PolicyReplay.Run(before, after, cases, examplesPerRule: 1);
        Assert.Equal(4, report.Total);
        Assert.Equal(2, report.Tightened);
        Assert.Equal(1, report.Loosened);
        Assert.Equal(1, report.Unchanged);
        var curl = report.Groups.Single(g => g.RuleId == "R-CURL");
        Assert.Equal(2, curl.Tightened);
        Assert.Single(curl.Examples);
        Assert.Equal(1, report.Groups.Single(g => g.RuleId == "R-MAKE").Loosened);
        Assert.Equal("R-MAKE", report.Groups[0].RuleId); // loosenings first
        Assert.True(PolicyReplay.Fails(report, strict: false));

        var same = PolicyReplay.Run(before, before, cases);
        Assert.Equal(0, same.Changed);
        Assert.False(PolicyReplay.Fails(same, strict: true));
    }

    [Fact]
    public void ReplayingTenThousandLoggedDecisionsUnderTwoPoliciesIsFast()
    {
        var before = Loaded(PolicyText(curl: "shadow"));
        var after = Loaded(PolicyText());
        var dir = _temp.Sub("ledger");
        var commands = new[] { "curl https://example.com", "make build", "ls -la", "git status", "rm -rf build", "dotnet test" };
        const int count = 10_000;
        using (var ledger = FileLedgerStore.Open(dir))
        {
            var records = commands.Select(c => DecisionRecord.From(DecisionQuestions.Command, before.Engine!.Actions.Command(c, s_context, "execute_safe"),
                new DecisionFacts { Command = c, Repository = "/work/repo", WorkingDirectory = "/work/repo", Level = "execute_safe", Phase = "implement" })).ToArray();
            // Concurrent appends are group-committed: many records per fsync.
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64 }, i => DecisionLog.Record(ledger, "a", records[i % records.Length]));
        }

        var watch = Stopwatch.StartNew();
        var log = VerifiedDecisionLog.Read(dir);
        var cases = log.Decisions.Select(d => ReplayCases.FromLog(d, out _)!).ToArray();
        var report = PolicyReplay.Run(before, after, cases);
        watch.Stop();
        Assert.Equal(count, report.Total);
        Assert.True(report.Tightened > 1000, report.Tightened.ToString());
        // Target: 2 s in process on a quiet machine (benchmarks/results/lifecycle.md); generous here for a loaded CI box.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"replay took {watch.Elapsed}");
    }
}
