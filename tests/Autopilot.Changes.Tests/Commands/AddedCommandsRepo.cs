using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Git;
using Autopilot.Changes.Rules;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.Commands;

/// <summary>
/// A real repository for one scenario: a base commit with the files as they were, a head commit with the files as
/// the change leaves them, read back through git and judged by an added-commands rule of the built-in default policy.
/// </summary>
internal sealed class AddedCommandsRepo : IDisposable
{
    public const string RuleId = "AP-DIFF-ADDED-COMMANDS";

    private static readonly Lazy<PolicyEngine> s_engine = new(() => PolicySource.Load(null).Engine ?? throw new InvalidOperationException("the built-in policy does not load"));

    public static PolicyEngine Engine => s_engine.Value;

    /// <summary>The default policy's rule, as written there.</summary>
    public static DiffRuleDef DefaultRule => Engine.Plan.Diff.Single(r => r.Id == RuleId);

    public TempGitRepo Repo { get; } = new();

    /// <summary>Commits <paramref name="before"/> as the base and <paramref name="after"/> on top; judges the change with <paramref name="rule"/> (default: the policy's).</summary>
    public static IReadOnlyList<Finding> Judge(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, DiffRuleDef? rule = null)
    {
        using var scenario = new AddedCommandsRepo();
        return scenario.Run(before, after, rule);
    }

    /// <summary>Only an addition: the files did not exist before.</summary>
    public static IReadOnlyList<Finding> Judge(string path, string text, DiffRuleDef? rule = null) =>
        Judge(new Dictionary<string, string> { ["README.md"] = "base\n" }, new Dictionary<string, string> { [path] = text }, rule);

    public IReadOnlyList<Finding> Run(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, DiffRuleDef? rule = null)
    {
        foreach (var (path, text) in before)
        {
            Repo.Write(path, text);
        }

        var @base = Repo.Commit("base");
        foreach (var (path, text) in after)
        {
            Repo.Write(path, text);
        }

        var head = Repo.Commit("change");
        var changes = GitChangeReader.Open(Repo.Path).ReadRange(@base, head);
        return Evaluate(changes, rule);
    }

    public IReadOnlyList<Finding> Evaluate(ChangeSet changes, DiffRuleDef? rule = null) =>
        new DiffRuleEngine([rule ?? DefaultRule], Engine).Evaluate(changes, scope: null, Repo.Path);

    public void Dispose() => Repo.Dispose();
}
