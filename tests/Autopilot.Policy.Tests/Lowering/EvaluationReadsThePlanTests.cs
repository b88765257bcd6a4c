using System.Text.RegularExpressions;
using Autopilot.Policy.Tests.Schema;

namespace Autopilot.Policy.Tests.Lowering;

/// <summary>
/// The plan is the only IR (issue 10): outside the policy language itself, only the authoring kit (the commands that
/// print or check the policy as written) reads the document, through <c>PolicyPlan.Source</c>. Evaluators, the change
/// gate, the CLI's evaluation commands and the generator read the plan. The list below is the one in
/// docs/architecture.md; adding to it is a decision, not a shortcut.
/// </summary>
public sealed partial class EvaluationReadsThePlanTests
{
    private static readonly string[] s_authoringKit =
    [
        "src/Autopilot.Cli/Commands/PolicyEffectiveCommand.cs",
        "src/Autopilot.Cli/Commands/PolicyExplainCommand.cs",
        "src/Autopilot.Cli/Commands/WorkOrderCommand.cs",
        "src/Autopilot.Changes/WorkOrders/WorkOrderLayer.cs",
    ];

    [GeneratedRegex(@"\bPolicyDocument\b|[Pp]lan!?\s*\.\s*Source\b")]
    private static partial Regex DocumentRead();

    [Fact]
    public void Only_the_authoring_kit_reads_the_document()
    {
        var root = RepositoryFiles.Root;
        var files = new[] { "src", "generators" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith("src/Autopilot.Policy/", StringComparison.Ordinal))
            .ToArray();
        Assert.Contains("src/Autopilot.Core/Transitions/TransitionEvaluator.cs", files);
        Assert.Contains("generators/Autopilot.Generators/PolicyGateGenerator.Parser.cs", files);

        var readers = files.Where(f => DocumentRead().IsMatch(File.ReadAllText(Path.Combine(root, f)))).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(s_authoringKit.Order(StringComparer.Ordinal), readers);
    }
}
