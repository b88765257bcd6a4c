using Autopilot.Core.Actions;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;
using Autopilot.Core.PolicyExceptions;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Core.Tests.Engine;

/// <summary>Exceptions in the engine (expiry against the engine's clock, scopes) and one-time approvals against a real ledger.</summary>
public sealed class PolicyExceptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Policy = """
        phases: [a]
        autonomy:
          levels:
            - { id: l, allowUpTo: low, escalateUpTo: high }
        risks:
          - { id: R-RM, risk: high, message: rm, command: { programs: [rm] } }
          - { id: R-WRITE, risk: high, message: write, path: { globs: ["gen/**"], ops: [write] } }
        exceptions:
          - { id: EX-RM, rule: R-RM, paths: ["build/**"], owner: alice, reason: r, expires: 2030-01-10 }
          - { id: EX-GEN, rule: R-WRITE, paths: ["gen/**"], tools: [Write], owner: bob, reason: generated, expires: 2030-01-10 }
        """;

    private static PolicyEngine Engine(DateTimeOffset now)
    {
        var plan = PlanBuilder.Compile(PolicyLoader.LoadText(Policy, "/p/x.policy.yaml")).Plan!;
        return new PolicyEngine(plan) { Clock = new FixedClock(now) };
    }

    private static readonly ActionContext Context = new("/workspace", "/home/agent") { ResolveSymlinks = false };

    [Fact]
    public void AnExceptionAppliesUntilTheStartOfItsExpiryDay()
    {
        var before = Engine(new DateTimeOffset(2030, 1, 9, 23, 59, 0, TimeSpan.Zero)).Actions.Command("rm build/x", Context, "l");
        Assert.Equal(Verdict.Allow, before.Verdict);
        var use = Assert.Single(before.ExceptionsUsed);
        Assert.Equal(("EX-RM", "R-RM", "alice"), (use.ExceptionId, use.RuleId, use.Owner));

        var after = Engine(new DateTimeOffset(2030, 1, 10, 0, 0, 0, TimeSpan.Zero)).Actions.Command("rm build/x", Context, "l");
        Assert.Equal(Verdict.Escalate, after.Verdict);
        Assert.Empty(after.ExceptionsUsed);
    }

    [Fact]
    public void EveryPathAndEveryScopeKindMustMatch()
    {
        var engine = Engine(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(Verdict.Escalate, engine.Actions.Command("rm build/x src/y", Context, "l").Verdict);
        Assert.Equal(Verdict.Allow, engine.Actions.Command("rm /workspace/build/x", Context, "l").Verdict);
        Assert.Equal(Verdict.Escalate, engine.Actions.Path("gen/a.cs", FileOp.Write, Context, "l").Verdict);
        Assert.Equal(Verdict.Allow, engine.Actions.Path("gen/a.cs", FileOp.Write, Context with { Tool = "Write" }, "l").Verdict);
    }

    [Fact]
    public void CodesAreStableReadableAndForgiving()
    {
        var digest = ActionApprovals.Digest("command", "rm -rf src", Context);
        var code = ActionApprovals.CodeFor(digest);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$", code);
        Assert.Equal(code, ActionApprovals.CodeFor(ActionApprovals.Digest("command", "rm -rf src", Context)));
        Assert.NotEqual(code, ActionApprovals.CodeFor(ActionApprovals.Digest("command", "rm -rf src", Context with { Task = "T-1" })));
        Assert.Equal(code, ActionApprovals.NormalizeCode(code.ToLowerInvariant().Replace("-", "")));
        Assert.Null(ActionApprovals.NormalizeCode("ABC"));
        Assert.Null(ActionApprovals.NormalizeCode("UUUUU-UUUUU"));
    }

    [Fact]
    public void AnApprovalIsConsumedOnceEvenWhenTwoDecisionsRace()
    {
        var engine = Engine(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var now = DateTimeOffset.UtcNow;
        using var ledger = FileLedgerStore.Open(_dir.Sub("ledger"));
        var decision = engine.Actions.Command("rm -rf src", Context, "l");
        Assert.Equal(Verdict.Escalate, decision.Verdict);
        var digest = ActionApprovals.Digest("command", "rm -rf src", Context);
        ActionApprovals.Approve(ledger, ActionApprovals.CodeFor(digest), "ok", "alice", now.AddHours(1));

        var results = Enumerable.Range(0, 8).AsParallel().Select(_ =>
        {
            using var own = FileLedgerStore.Open(_dir.Sub("ledger"));
            return ActionApprovals.Apply(decision, own, digest, "rm -rf src", "agent", now).Verdict;
        }).ToArray();
        Assert.Equal(1, results.Count(v => v == Verdict.Allow));
        Assert.Equal(7, results.Count(v => v == Verdict.Escalate));

        // An expired approval is not used; a deny is never approved.
        ActionApprovals.Approve(ledger, ActionApprovals.CodeFor(digest), "late", "alice", now.AddHours(-1));
        Assert.Equal(Verdict.Escalate, ActionApprovals.Apply(decision, ledger, digest, "rm -rf src", "agent", now).Verdict);
    }
}

/// <summary>A clock that says what it was told.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
