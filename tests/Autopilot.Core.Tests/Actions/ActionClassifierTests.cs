using Autopilot.Core.Actions;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

public sealed class ActionClassifierTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("autopilot-actions-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static readonly ActionClassifier s_classifier = TestRiskRules.Classifier();

    [Fact]
    public void ReasonQuotesWhatMatched()
    {
        var result = s_classifier.ClassifyCommand("ls && sudo /bin/rm -fr \"$HOME\"", TestRiskRules.Context);
        var match = result.Matches.Single(m => m.RuleId == "AP-RISK-RM-ROOT");
        Assert.Contains("$HOME", match.Reason, StringComparison.Ordinal);
        Assert.Contains("/bin/rm -fr \"$HOME\"", match.Reason, StringComparison.Ordinal);
        Assert.Equal("rm", match.Invocation!.Program);
        Assert.Equal("critical", result.Risk);
        Assert.Equal(4, result.RiskIndex);
        Assert.Same(TestRiskRules.Rules.Single(r => r.Id == "AP-RISK-RM-ROOT"), match.Rule);
    }

    [Fact]
    public void ParseErrorReasonNamesTheOffset()
    {
        var result = s_classifier.ClassifyCommand("echo \"abc", TestRiskRules.Context);
        Assert.True(result.IsUnknown);
        var match = Assert.Single(result.Matches);
        Assert.Equal(ActionRuleIds.ParseError, match.RuleId);
        Assert.Contains("offset 5", match.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("src/app.cs", FileOp.Write, "low", null)]
    [InlineData("/work/repo/src/app.cs", FileOp.Delete, "low", null)]
    [InlineData("/etc/passwd", FileOp.Read, "medium", ActionRuleIds.OutsideWorkspace)]
    [InlineData("/etc/passwd", FileOp.Write, "high", "AP-RISK-SYSTEM-CONFIG")]
    [InlineData("../other/x.txt", FileOp.Write, "high", ActionRuleIds.PathEscape)]
    [InlineData("src/../../x.txt", FileOp.Read, "medium", ActionRuleIds.PathEscape)]
    [InlineData("src/../README.md", FileOp.Write, "low", null)]
    [InlineData(".git/config", FileOp.Write, "high", ActionRuleIds.Protected)]
    [InlineData(".git/config", FileOp.Read, "low", null)]
    [InlineData(".github/workflows/ci.yml", FileOp.Write, "high", "AP-RISK-CI-EDIT")]
    [InlineData(".github/workflows/ci.yml", FileOp.Read, "low", null)]
    [InlineData(".autopilot/state.json", FileOp.Delete, "critical", "AP-RISK-POLICY-EDIT")]
    [InlineData("policies/default.policy.yaml", FileOp.Write, "critical", "AP-RISK-POLICY-EDIT")]
    [InlineData(".env", FileOp.Read, "high", "AP-EFFECT-SECRET-FILE")]
    [InlineData("config/prod/.env", FileOp.Read, "high", "AP-EFFECT-SECRET-FILE")]
    [InlineData("certs/server.pem", FileOp.Read, "high", "AP-EFFECT-SECRET-FILE")]
    [InlineData("~/.ssh/id_rsa", FileOp.Read, "high", "AP-EFFECT-SECRET-FILE")]
    [InlineData("/home/agent/.ssh/id_ed25519", FileOp.Read, "high", "AP-EFFECT-SECRET-FILE")]
    [InlineData("$HOME/.bashrc", FileOp.Write, "high", "AP-RISK-SHELL-RC")]
    [InlineData("~/.bashrc", FileOp.Read, "medium", ActionRuleIds.OutsideWorkspace)]
    [InlineData("", FileOp.Read, "critical", ActionRuleIds.InvalidPath)]
    [InlineData("a\0b", FileOp.Read, "critical", ActionRuleIds.InvalidPath)]
    public void ClassifiesPaths(string path, FileOp op, string risk, string? ruleId)
    {
        var result = s_classifier.ClassifyPath(path, op, TestRiskRules.Context);
        Assert.True(risk == result.Risk, $"{path} {op}: {result}");
        if (ruleId is null)
        {
            Assert.Empty(result.Matches);
        }
        else
        {
            Assert.Contains(result.Matches, m => m.RuleId == ruleId);
        }
    }

    [Fact]
    public void WorkspaceExtraPathsCountAsInside()
    {
        var classifier = TestRiskRules.Classifier(new ActionSettings { WorkspaceExtraPaths = ["/tmp/**"] });
        Assert.Equal("low", classifier.ClassifyPath("/tmp/build/x.o", FileOp.Write, TestRiskRules.Context).Risk);
        Assert.Equal("high", classifier.ClassifyPath("/var/x", FileOp.Write, TestRiskRules.Context).Risk);
        Assert.Equal("low", classifier.ClassifyCommand("echo x > /tmp/out.txt", TestRiskRules.Context).Risk);
    }

    [Fact]
    public void SymlinkOutOfTheWorkspaceIsCaught()
    {
        var workspace = Directory.CreateDirectory(Path.Combine(_temp, "repo")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_temp, "outside")).FullName;
        Directory.CreateDirectory(Path.Combine(workspace, "src"));
        Directory.CreateSymbolicLink(Path.Combine(workspace, "escape"), outside);
        File.CreateSymbolicLink(Path.Combine(workspace, "src", "link.txt"), "../escape/secret.txt");
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "x");
        Directory.CreateSymbolicLink(Path.Combine(workspace, "inner"), Path.Combine(workspace, "src"));
        File.CreateSymbolicLink(Path.Combine(workspace, "loop1"), Path.Combine(workspace, "loop2"));
        File.CreateSymbolicLink(Path.Combine(workspace, "loop2"), Path.Combine(workspace, "loop1"));
        var ctx = new ActionContext(workspace, "/home/agent");

        // The temp folder is part of the workspace in the default policy; these folders live in it, so count it out.
        var s_classifier = TestRiskRules.Classifier(TestRiskRules.Actions with { WorkspaceExtraPaths = [], TempPaths = [] });
        var viaDir = s_classifier.ClassifyPath("escape/new.txt", FileOp.Write, ctx);
        Assert.Equal("high", viaDir.Risk);
        var match = Assert.Single(viaDir.Matches);
        Assert.Equal(ActionRuleIds.SymlinkEscape, match.RuleId);
        Assert.Contains(outside, match.Reason, StringComparison.Ordinal);

        Assert.Contains(s_classifier.ClassifyPath("src/link.txt", FileOp.Read, ctx).Matches, m => m.RuleId == ActionRuleIds.SymlinkEscape);
        Assert.Empty(s_classifier.ClassifyPath("inner/app.cs", FileOp.Write, ctx).Matches);
        Assert.Empty(s_classifier.ClassifyPath("src/new-file.cs", FileOp.Write, ctx).Matches);
        Assert.Contains(s_classifier.ClassifyPath("loop1", FileOp.Write, ctx).Matches, m => m.RuleId == ActionRuleIds.SymlinkEscape);

        // Redirections in commands are checked as writes, through the same symlinks.
        var command = s_classifier.ClassifyCommand("echo hi > escape/out.txt", ctx);
        Assert.Contains(command.Matches, m => m.RuleId == ActionRuleIds.SymlinkEscape);

        // A workspace reached through a symlink is still the workspace.
        var alias = Path.Combine(_temp, "alias");
        Directory.CreateSymbolicLink(alias, workspace);
        Assert.Empty(s_classifier.ClassifyPath("src/x.cs", FileOp.Write, new ActionContext(alias, "/home/agent")).Matches);
    }

    [Fact]
    public void AllowlistModeOnlyAllowsListedProgramsAndUses()
    {
        var classifier = TestRiskRules.Classifier(new ActionSettings
        {
            Mode = "allowlist",
            Allowlist =
            [
                new AllowedProgramDef { Program = "git", Subcommands = ["status", "diff", "log", "push"], DeniedFlags = ["--force", "-f"] },
                new AllowedProgramDef { Program = "ls" },
                new AllowedProgramDef { Program = "dotnet", Subcommands = ["build", "test"] },
            ],
        });
        var ctx = TestRiskRules.Context;
        Assert.Equal("low", classifier.ClassifyCommand("git status && ls -la | ls", ctx).Risk);
        Assert.Equal("low", classifier.ClassifyCommand("dotnet test --no-build", ctx).Risk);

        var unlisted = classifier.ClassifyCommand("ls && cat README.md", ctx);
        Assert.Equal("high", unlisted.Risk);
        Assert.Contains(unlisted.Matches, m => m.RuleId == ActionRuleIds.Unlisted && m.Quote == "cat");

        var sub = classifier.ClassifyCommand("git reset --soft HEAD~1", ctx);
        Assert.Contains(sub.Matches, m => m.RuleId == ActionRuleIds.Unlisted && m.Quote == "git reset");

        var flag = classifier.ClassifyCommand("git push -f", ctx);
        Assert.Contains(flag.Matches, m => m.RuleId == ActionRuleIds.DeniedFlag && m.Quote == "-f");

        // Wrappers are programs too: sudo is not listed even when what it runs is.
        Assert.Contains(classifier.ClassifyCommand("sudo ls", ctx).Matches, m => m.RuleId == ActionRuleIds.Unlisted && m.Quote == "sudo");
        Assert.Equal("critical", classifier.ClassifyCommand("$X status", ctx).Risk);
    }

    [Fact]
    public void ToolsAreClassifiedByRuleAndPhase()
    {
        var phases = new[]
        {
            new PhaseDef { Id = "plan", Tools = [new("Read", null), new("Grep", null), new("mcp__docs__*", null)] },
            new PhaseDef { Id = "implement" },
        };
        var classifier = TestRiskRules.Classifier(tools: new ToolSettings { Always = ["TodoWrite"] }, phases: phases);
        var plan = TestRiskRules.Context with { Phase = "plan" };

        Assert.Equal("low", classifier.ClassifyTool("Read", plan).Risk);
        Assert.Empty(classifier.ClassifyTool("mcp__docs__search", plan).Matches);
        Assert.Empty(classifier.ClassifyTool("TodoWrite", plan).Matches);

        var edit = classifier.ClassifyTool("Edit", plan);
        var match = Assert.Single(edit.Matches);
        Assert.Equal("AP-TOOL-PHASE", match.RuleId);
        Assert.Equal(Verdict.Deny, edit.FixedVerdict);
        Assert.Contains("'Edit' is not allowed in phase 'plan'", match.Reason, StringComparison.Ordinal);

        var implement = TestRiskRules.Context with { Phase = "implement" };
        Assert.Empty(classifier.ClassifyTool("Edit", implement).Matches);
        Assert.Equal("medium", classifier.ClassifyTool("WebFetch", implement).Risk);
        Assert.Equal("high", classifier.ClassifyTool("mcp__github__create_pull_request", implement).Risk);
        Assert.Equal(Verdict.Deny, classifier.ClassifyTool("Read", TestRiskRules.Context with { Phase = "nonsense" }).FixedVerdict);
        Assert.Equal("critical", classifier.ClassifyTool("", implement).Risk);
        Assert.Equal("critical", classifier.ClassifyTool("Bad\nName", implement).Risk);
    }

    [Fact]
    public void InvalidPolicyIsReportedWithTheRule()
    {
        var badLevel = new RiskRuleDef { Id = "X-1", Risk = new("apocalyptic", new SourceLocation("p.yaml", 3, 9)), Command = new() { Programs = ["rm"] } };
        var e = Assert.Throws<ArgumentException>(() => new ActionClassifier([badLevel], new ActionSettings(), TestRiskRules.Levels));
        Assert.Contains("X-1", e.Message, StringComparison.Ordinal);
        Assert.Contains("p.yaml:3:9", e.Message, StringComparison.Ordinal);

        // Command patterns are built on first use (the validator compiled them the same way when the policy loaded):
        // a bad one that got past it still names its rule, and the call fails instead of matching nothing.
        var badRegex = new RiskRuleDef { Id = "X-2", Command = new() { ArgsRegex = "(a)\\1" } };
        var lazy = new ActionClassifier([badRegex], new ActionSettings(), TestRiskRules.Levels);
        Assert.Contains("X-2", Assert.Throws<ArgumentException>(() => lazy.ClassifyCommand("ls a", TestRiskRules.Context)).Message, StringComparison.Ordinal);

        var badContext = new RiskRuleDef { Id = "X-3", Command = new() { Contexts = ["everywhere"] } };
        Assert.Contains("everywhere", Assert.Throws<ArgumentException>(() => new ActionClassifier([badContext], new ActionSettings(), TestRiskRules.Levels)).Message, StringComparison.Ordinal);

        var badGlob = new RiskRuleDef { Id = "X-4", Path = new() { Globs = ["[abc"] } };
        Assert.Contains("X-4", Assert.Throws<ArgumentException>(() => new ActionClassifier([badGlob], new ActionSettings(), TestRiskRules.Levels)).Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => new ActionClassifier([], new ActionSettings { Mode = "yolo" }, TestRiskRules.Levels));
        Assert.Throws<ArgumentException>(() => new ActionClassifier([], new ActionSettings { UnknownRisk = "nope" }, TestRiskRules.Levels));
    }

    [Fact]
    public void CustomRiskLevelsAreUsed()
    {
        var rules = new[] { new RiskRuleDef { Id = "R", Risk = new("red", null), Message = "m", Command = new() { Programs = ["rm"] } } };
        var classifier = new ActionClassifier(rules, new ActionSettings { DefaultRisk = "green", UnknownRisk = "red", UnlistedRisk = "red", OutsideWorkspaceRisk = "amber", OutsideWorkspaceReadRisk = "green", ProtectedPathRisk = "amber" }, ["green", "amber", "red"]);
        Assert.Equal("green", classifier.ClassifyCommand("ls", TestRiskRules.Context).Risk);
        Assert.Equal("red", classifier.ClassifyCommand("rm x", TestRiskRules.Context).Risk);
        Assert.Equal(2, classifier.ClassifyCommand("'unclosed", TestRiskRules.Context).RiskIndex);
    }
}
