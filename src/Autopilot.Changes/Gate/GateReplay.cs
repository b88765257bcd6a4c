using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;
using Autopilot.Core.Decisions;
using Autopilot.Core.Lifecycle;
using Autopilot.Core.Ledger;
using Autopilot.Core.Policies;

namespace Autopilot.Changes.Gate;

/// <summary>
/// The gate's part of a replay (issue 14): every commit of a range judged as `autopilot gate --head C` judges it (the
/// commit against its first parent), read from git once and judged under each policy.
/// </summary>
internal static class GateReplay
{
    /// <summary>The commits of <paramref name="range"/> (oldest first) as replay cases; root commits are skipped with a reason.</summary>
    /// <exception cref="ChangeSetException">The range is not one git knows; the message says so.</exception>
    public static IReadOnlyList<ReplayCase> Cases(string repositoryRoot, string range, List<ReplaySkip> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var git = new GitCli(repositoryRoot);
        // One git call: each line "commit parents<TAB>subject", oldest first.
        var listed = git.Run(["log", "--reverse", "--format=%H %P%x09%s", range, "--"]);
        if (!listed.Succeeded)
        {
            throw new ChangeSetException($"git cannot list the commits of '{range}': {listed.Error.Trim()}");
        }

        var reader = GitChangeReader.Open(repositoryRoot);
        var cases = new List<ReplayCase>();
        foreach (var line in listed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t');
            var ids = (tab < 0 ? line : line[..tab]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var title = tab < 0 ? "" : line[(tab + 1)..].Trim();
            var commit = ids[0];
            var source = $"commit {commit[..Math.Min(12, commit.Length)]}";
            if (ids.Length < 2)
            {
                skipped.Add(new ReplaySkip(source, "a root commit: there is no parent to judge it against"));
                continue;
            }

            var parent = ids[1];
            // Read once, judged under both policies, then let go (a long range must not hold every change in memory).
            ChangeSet? changes = null;
            var uses = 0;
            cases.Add(new ReplayCase(source, DecisionQuestions.Gate, $"{commit[..Math.Min(12, commit.Length)]} {title}".Trim(), engine =>
            {
                var read = changes ??= reader.ReadRange(parent, commit);
                changes = ++uses >= 2 ? null : read;
                return Judge(engine, read, repositoryRoot);
            }) { Origin = ReplayOrigins.Git });
        }

        return cases;
    }

    // The gate as `autopilot gate` runs it on a commit: every analysis, and the repository the change was read from (so
    // rules that read its other files, such as added commands, judge a replayed commit as they judged the original).
    private static Decision Judge(PolicyEngine engine, ChangeSet changes, string repositoryRoot) =>
        new ChangeGate(engine).Judge(changes, repositoryRoot: repositoryRoot).Decision;
}
