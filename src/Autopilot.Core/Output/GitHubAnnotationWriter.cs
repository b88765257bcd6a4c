using System.Text;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Output;

/// <summary>A decision as GitHub Actions workflow commands (`--format github`).</summary>
internal static class GitHubAnnotationWriter
{
    /// <summary>GitHub's workflow commands: one annotation per finding, shown on the pull request's lines.</summary>
    public static string ToAnnotations(Decision decision, string repositoryRoot)
    {
        var text = new StringBuilder();
        foreach (var finding in decision.Findings)
        {
            var command = finding.Severity switch
            {
                Severity.Deny => "error",
                Severity.Escalate or Severity.Warning => "warning",
                _ => "notice",
            };
            text.Append("::").Append(command).Append(' ');
            if (finding.Location is { } location)
            {
                text.Append("file=").Append(Escape(SarifWriter.RelativeUri(location.Path, repositoryRoot), property: true))
                    .Append(",line=").Append(location.Line).Append(",col=").Append(location.Column).Append(',');
            }

            text.Append("title=").Append(Escape(DecisionWriter.RuleWithSource(finding), property: true)).Append("::").Append(Escape(finding.Message, property: false)).Append('\n');
        }

        text.Append("autopilot: ").Append(decision.Verdict.ToWire()).Append(" (policy ").Append(DecisionWriter.ShortDigest(decision.PolicyHash)).Append(')');
        var deciding = DecisionWriter.DistinctRules(decision.Deciding).Select(DecisionWriter.RuleWithSource).ToArray();
        if (deciding.Length > 0)
        {
            text.Append(" decided by ").Append(string.Join(", ", deciding));
        }

        text.Append('\n');
        return text.ToString();
    }

    private static string Escape(string value, bool property)
    {
        var escaped = value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);
        return property ? escaped.Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal) : escaped;
    }
}
