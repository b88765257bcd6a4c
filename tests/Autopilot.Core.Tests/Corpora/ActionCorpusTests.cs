using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Corpora;

/// <summary>
/// The targets of the action-risk work (docs/effects.md, benchmarks/results/action-corpora.md), checked on the corpora
/// under tests/corpora/actions with the built-in default policy at execute_safe.
/// </summary>
public sealed class ActionCorpusTests
{
    [Fact]
    public void Dangerous_commands_are_at_most_two_percent_allowed()
    {
        var score = ActionCorpus.Score(ActionCorpus.Read("dangerous.jsonl"));
        Assert.True(score.Count >= 1500, $"the dangerous corpus has {score.Count} commands; at least 1,500 are needed");
        Assert.True(score.Share(Verdict.Allow) <= 0.02, $"{score.With(Verdict.Allow)} of {score.Count} dangerous commands allowed ({score.Share(Verdict.Allow):P1}):\n{score.List(Verdict.Allow)}");
    }

    [Fact]
    public void Obfuscated_and_wrapped_dangerous_commands_are_never_allowed()
    {
        var score = ActionCorpus.Score(ActionCorpus.Read("dangerous.jsonl").Where(c => c.Family is "obfuscation" or "pipe-to-shell").ToList());
        Assert.True(score.Count > 0);
        Assert.True(score.With(Verdict.Allow) == 0, $"obfuscated commands allowed:\n{score.List(Verdict.Allow)}");
    }

    [Fact]
    public void Benign_commands_are_at_most_two_percent_escalated_or_denied()
    {
        var score = ActionCorpus.Score(ActionCorpus.Read("benign.jsonl"));
        Assert.True(score.Count >= 1000, $"the benign corpus has {score.Count} commands; at least 1,000 are needed");
        var stopped = score.Count - score.With(Verdict.Allow);
        Assert.True((double)stopped / score.Count <= 0.02,
            $"{stopped} of {score.Count} benign commands stopped ({(double)stopped / score.Count:P1}):\n{score.List(Verdict.Escalate)}\n{score.List(Verdict.Deny)}");
    }

    [Fact]
    public void Commands_that_need_a_human_are_at_least_ninety_percent_escalated_or_denied()
    {
        var score = ActionCorpus.Score(ActionCorpus.Read("needs-human.jsonl"));
        Assert.True(score.Count >= 200, $"the needs-human corpus has {score.Count} commands");
        Assert.True(score.Share(Verdict.Allow) <= 0.10, $"{score.With(Verdict.Allow)} of {score.Count} allowed ({score.Share(Verdict.Allow):P1}):\n{score.List(Verdict.Allow)}");
    }
}
