using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

/// <summary>
/// The default policy's <c>risks:</c> must say exactly what <see cref="TestRiskRules"/> says, so that the command
/// table (CommandClassificationTableTests) tests the rules the product ships. Both are written out in the policy's
/// YAML form and compared as text.
/// </summary>
public sealed class RiskRulesYamlTests
{
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void DefaultPolicyShipsExactlyTheTestedRuleSet()
    {
        var shipped = Autopilot.Core.Policies.PolicySource.Load(null).Engine!.Plan.Document.Risks;
        Assert.Equal(Emit(TestRiskRules.Rules), Emit(shipped));
    }

    [Fact]
    public void RuleSetCoversTheRequiredRiskClasses()
    {
        var ids = TestRiskRules.Rules.Select(r => r.Id).ToHashSet();
        Assert.Equal(TestRiskRules.Rules.Count, ids.Count);
        Assert.True(ids.Count >= 15);
        foreach (var id in new[]
        {
            "AP-RISK-RM-ROOT", "AP-RISK-GIT-FORCE-PUSH", "AP-RISK-GIT-RESET-HARD", "AP-RISK-GIT-FILTER", "AP-RISK-PIPE-TO-SHELL",
            "AP-RISK-PRIVILEGE", "AP-RISK-DD-DEVICE", "AP-RISK-MKFS", "AP-RISK-FORK-BOMB", "AP-RISK-CHMOD-WORLD", "AP-RISK-SECRETS",
            "AP-RISK-EXFIL-CURL-FILE", "AP-RISK-NET-TOOLS", "AP-RISK-PUBLISH-PACKAGE", "AP-RISK-DB-DROP", "AP-RISK-DB-MIGRATE",
            "AP-RISK-CI-EDIT", "AP-RISK-POLICY-EDIT", "AP-RISK-KILL",
        })
        {
            Assert.Contains(id, ids);
        }
    }

    internal static string Emit(IReadOnlyList<RiskRuleDef> rules)
    {
        var sb = new StringBuilder();
        sb.Append("# Risk rules proposed for policies/default.policy.yaml: paste under the policy's top level.\n");
        sb.Append("# Generated from tests/Autopilot.Core.Tests/Actions/TestRiskRules.cs (AUTOPILOT_ACCEPT=1 rewrites it);\n");
        sb.Append("# the command table in CommandClassificationTableTests.cs shows what each rule catches.\n");
        sb.Append("risks:\n");
        foreach (var rule in rules)
        {
            sb.Append("  - id: ").Append(Scalar(rule.Id)).Append('\n');
            sb.Append("    risk: ").Append(Scalar(rule.Risk.Value)).Append('\n');
            sb.Append("    message: ").Append(Scalar(rule.Message)).Append('\n');
            if (rule.Command is { } c)
            {
                sb.Append("    command:\n");
                List(sb, "programs", c.Programs);
                List(sb, "subcommands", c.Subcommands);
                List(sb, "anyFlags", c.AnyFlags);
                if (c.AllFlagGroups.Count > 0)
                {
                    sb.Append("      allFlagGroups: [").AppendJoin(", ", c.AllFlagGroups.Select(g => "[" + string.Join(", ", g.Select(Scalar)) + "]")).Append("]\n");
                }

                List(sb, "args", c.Args);
                if (c.ArgsRegex is not null)
                {
                    sb.Append("      argsRegex: ").Append(Scalar(c.ArgsRegex)).Append('\n');
                }

                List(sb, "redirectTo", c.RedirectTo);
                List(sb, "pipeFrom", c.PipeFrom);
                List(sb, "contexts", c.Contexts);

                // The shape matchers are not written out yet: fail rather than compare rules without them.
                Assert.True(
                    c.RawPrograms.Count == 0 && c.Flags.Count == 0 && c.Words.Count == 0 && c.ArgAt.Count == 0 && c.MinArgs is null
                        && c.MaxArgs is null && c.PathArgs is null && c.Not.Count == 0,
                    $"risk rule '{rule.Id}' uses rawPrograms, flags, words, argAt, minArgs, maxArgs, pathArgs or not: write them out here");
            }

            if (rule.Path is { } p)
            {
                sb.Append("    path:\n");
                List(sb, "globs", p.Globs);
                List(sb, "ops", p.Ops);
            }

            if (rule.Tool is { } t)
            {
                sb.Append("    tool:\n");
                List(sb, "names", t.Names);
            }
        }

        return sb.ToString();
    }

    private static void List(StringBuilder sb, string name, IReadOnlyList<string> items)
    {
        if (items.Count > 0)
        {
            sb.Append("      ").Append(name).Append(": [").AppendJoin(", ", items.Select(Scalar)).Append("]\n");
        }
    }

    /// <summary>Plain when YAML reads it back as the same string; otherwise double-quoted (JSON escapes are valid YAML).</summary>
    private static string Scalar(string value)
    {
        var plain = value.Length > 0 && char.IsAsciiLetter(value[0]) && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')
            && value is not ("true" or "false" or "null" or "yes" or "no" or "on" or "off");
        return plain ? value : JsonSerializer.Serialize(value, s_json);
    }
}
