using System.Security.Cryptography;
using System.Text;
using Autopilot.Changes.ChangeSets;
using Autopilot.Changes.Rules;
using Autopilot.Changes.Tests.Git;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Tests.Rules;

public sealed class DiffRuleEngineTests(RuleRepoFixture fixture) : IClassFixture<RuleRepoFixture>
{
    private static readonly ScopeFacts s_appScope = new() { AllowedPaths = ["src/App/**", "tests/**"] };

    private static IReadOnlyList<Finding> Judge(DiffRuleDef rule, ChangeSet changes, ScopeFacts? scope = null) =>
        new DiffRuleEngine([rule]).Evaluate(changes, scope);

    private static void AssertAt(SourceLocation? location, string path, int line, int column) =>
        Assert.Equal((path, line, column), (location?.Path, location?.Line, location?.Column));

    private ChangeSet EditService(string text = "class Service { int X; }\n") => fixture.Change(r => r.Write("src/App/Service.cs", text));

    // ---- scope -------------------------------------------------------------------------------

    [Fact]
    public void Scope_fires_for_a_file_outside_the_work_order()
    {
        var rule = new DiffRuleDef { Id = "scope", Kind = "scope", Message = "outside scope" };
        var changes = fixture.Change(r =>
        {
            r.Write("src/App/Service.cs", "class Service { int X; }\n");
            r.Write("docs/guide.md", "# Guide\nmore\n");
        });
        var finding = Assert.Single(Judge(rule, changes, s_appScope));
        Assert.Equal(("scope", Severity.Deny), (finding.RuleId, finding.Severity));
        Assert.Contains("'docs/guide.md' is outside the work order's allowed paths (src/App/**, tests/**)", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("outside scope: ", finding.Message, StringComparison.Ordinal);
        Assert.Equal("docs/guide.md", finding.Location!.Path);
    }

    [Fact]
    public void Scope_checks_both_sides_of_a_rename_and_only_informs_without_a_work_order()
    {
        var rule = new DiffRuleDef { Id = "scope", Kind = "scope" };
        var moved = fixture.Change(r => r.Git("mv", "docs/guide.md", "src/App/guide.md"));
        Assert.Contains("'docs/guide.md'", Assert.Single(Judge(rule, moved, s_appScope)).Message, StringComparison.Ordinal);
        var unscoped = Assert.Single(Judge(rule, moved, scope: null));
        Assert.Contains("No work order", unscoped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("outside", unscoped.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Info, unscoped.Severity);
    }

    [Fact]
    public void Scope_does_not_fire_inside_the_work_order_or_for_extra_allowed_paths()
    {
        var rule = new DiffRuleDef { Id = "scope", Kind = "scope", Paths = ["*.lock"] };
        var changes = fixture.Change(r =>
        {
            r.Write("src/App/Service.cs", "class Service { int X; }\n");
            r.Write("tests/App.Tests/New.cs", "class New { }\n");
            r.Write("packages.lock", "{}\n");
        });
        Assert.Empty(Judge(rule, changes, s_appScope));
    }

    // ---- protected-paths ---------------------------------------------------------------------

    [Fact]
    public void Protected_paths_fire_for_policies_and_workflows_but_not_for_others()
    {
        var rule = new DiffRuleDef { Id = "protected", Kind = "protected-paths", Paths = ["policies/**", ".github/workflows/", "**/*.pem"], ExcludePaths = ["policies/examples/**"] };
        var changes = fixture.Change(r =>
        {
            r.Write("policies/default.policy.yaml", "version: 2\n");
            r.Delete(".github/workflows/ci.yml");
            r.Write("policies/examples/x.yaml", "x\n");
            r.Write("src/App/Service.cs", "class Service { int Y; }\n");
        });
        var findings = Judge(rule, changes);
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Message.Contains("'.github/workflows/ci.yml' is protected (matches '.github/workflows/'): deleting", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("'policies/default.policy.yaml' is protected", StringComparison.Ordinal));

        Assert.Empty(Judge(rule, EditService()));
    }

    // ---- caps ------------------------------------------------------------------------------------

    [Fact]
    public void Max_files_fires_over_the_cap_and_work_orders_only_tighten()
    {
        var changes = fixture.Change(r =>
        {
            for (var i = 0; i < 4; i++)
            {
                r.Write($"src/App/F{i}.cs", $"class F{i} {{ }}\n");
            }
        });
        var rule = new DiffRuleDef { Id = "files", Kind = "max-files", Max = 3 };
        Assert.Contains("4 files changed, over the cap of 3", Assert.Single(Judge(rule, changes)).Message, StringComparison.Ordinal);
        Assert.Empty(Judge(rule with { Max = 4 }, changes));
        Assert.Empty(Judge(rule with { Max = 4 }, changes, new ScopeFacts { MaxFiles = 10 }));
        Assert.Contains("set by the work order", Assert.Single(Judge(rule with { Max = 4 }, changes, new ScopeFacts { MaxFiles = 2 })).Message, StringComparison.Ordinal);
        Assert.Empty(Judge(rule with { Paths = ["docs/**"] }, changes));
    }

    [Fact]
    public void Max_lines_fires_per_file_and_in_total()
    {
        var changes = fixture.Change(r =>
        {
            r.Write("src/App/Big.cs", string.Concat(Enumerable.Range(0, 30).Select(i => $"// {i}\n")));
            r.Write("src/App/Small.cs", "// 1\n// 2\n");
        });
        var rule = new DiffRuleDef { Id = "lines", Kind = "max-lines", Max = 20, MaxPerFile = 10 };
        var findings = Judge(rule, changes);
        Assert.Equal(2, findings.Count);
        Assert.Contains(findings, f => f.Location?.Path == "src/App/Big.cs" && f.Message.Contains("30 lines (+30 -0), over the per-file cap of 10", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Location is null && f.Message.Contains("32 added and removed lines, over the cap of 20", StringComparison.Ordinal));
        Assert.Empty(Judge(rule with { Max = 100, MaxPerFile = 30 }, changes));
        Assert.Single(Judge(rule with { Max = 100, MaxPerFile = 30 }, changes, new ScopeFacts { MaxLinesPerFile = 5 }));
    }

    [Fact]
    public void Caps_without_any_value_fail_closed()
    {
        var finding = Assert.Single(Judge(new DiffRuleDef { Id = "lines", Kind = "max-lines", Severity = Severity.Warning }, EditService()));
        Assert.Equal(Severity.Deny, finding.Severity);
        Assert.Contains("no cap is set", finding.Message, StringComparison.Ordinal);
    }

    // ---- tests-required --------------------------------------------------------------------------

    [Fact]
    public void Tests_required_fires_for_source_without_tests_and_not_with_them()
    {
        var rule = new DiffRuleDef { Id = "tests", Kind = "tests-required", Severity = Severity.Escalate, SourcePaths = ["src/**/*.cs"], TestPaths = ["tests/**"] };
        var finding = Assert.Single(Judge(rule, EditService()));
        Assert.Equal(Severity.Escalate, finding.Severity);
        Assert.Contains("source changed ('src/App/Service.cs') but no test did", finding.Message, StringComparison.Ordinal);

        var withTest = fixture.Change(r =>
        {
            r.Write("src/App/Service.cs", "class Service { int X; }\n");
            r.Write("tests/App.Tests/ServiceTests.cs", "class ServiceTests { void T() { } }\n");
        });
        Assert.Empty(Judge(rule, withTest));
        Assert.Empty(Judge(rule, fixture.Change(r => r.Write("docs/guide.md", "# Guide 2\n"))));
        Assert.Empty(Judge(rule, fixture.Change(r => r.Delete("src/App/Program.cs"))));
    }

    // ---- secrets ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("aws_key = AKIAIOSFODNN7EXAMPLE", "AWS access key id", 11)]
    [InlineData("token: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token", 8)]
    [InlineData("x = 'glpat-abcdefghij0123456789'", "GitLab token", 6)]
    [InlineData("slack = \"xoxb-1234567890-abcdefghij\"", "Slack token", 10)]
    [InlineData("key=AIzaSyA1234567890abcdefghijklmnopqrstuv", "Google API key", 5)]
    [InlineData("stripe(sk_live_4eC39HqLyjWDarjtT1zdp7dc)", "Stripe key", 8)]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----", "private key block", 1)]
    [InlineData("auth: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "JSON Web Token", 7)]
    [InlineData("db_password = \"Zq8#kP2!vL9x$Wm4\"", "high-entropy value", 16)]
    [InlineData("API_KEY: 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "high-entropy value", 10)]
    public void Secrets_fire_for_well_known_formats_and_high_entropy_assignments(string line, string kind, int column)
    {
        var rule = new DiffRuleDef { Id = "secrets", Kind = "secrets" };
        var changes = fixture.Change(r => r.Write("src/App/Config.txt", "first line\n" + line + "\n"));
        var finding = Assert.Single(Judge(rule, changes));
        Assert.Contains(kind, finding.Message, StringComparison.Ordinal);
        AssertAt(finding.Location, "src/App/Config.txt", 2, column);
        Assert.DoesNotContain(line.Length > 30 ? line[12..30] : "\u0001", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password = get_password()")]
    [InlineData("api_key = config.api_key")]
    [InlineData("token: ${{ secrets.GITHUB_TOKEN }}")]
    [InlineData("password = \"changeme\"")]
    [InlineData("secret = \"$SECRET_FROM_ENV\"")]
    [InlineData("aws_key = AKIAIOSFODNN7EXAMPLE  # autopilot:allow-secret")]
    [InlineData("just some prose about tokens and passwords")]
    public void Secrets_do_not_fire_for_references_placeholders_and_marked_lines(string line)
    {
        var rule = new DiffRuleDef { Id = "secrets", Kind = "secrets" };
        Assert.Empty(Judge(rule, fixture.Change(r => r.Write("src/App/Config.txt", line + "\n"))));
    }

    [Fact]
    public void Secrets_allowlist_by_path_and_by_value_custom_patterns_and_marker()
    {
        var changes = fixture.Change(r =>
        {
            r.Write("docs/example.md", "AKIAIOSFODNN7EXAMPLE\n");
            r.Write("src/App/a.txt", "key AKIAIOSFODNN7EXAMPLE\ninternal: ACME-0123456789\nold = 'AKIAABCDEFGHIJKLMNOP' // ok-secret\n");
        });
        var rule = new DiffRuleDef { Id = "secrets", Kind = "secrets", Allow = ["docs/**", "re:^AKIAIOSFODNN7EXAMPLE$"], Patterns = ["ACME-[0-9]{10}"], Marker = "ok-secret" };
        var finding = Assert.Single(Judge(rule, changes));
        Assert.Contains("pattern 'ACME-[0-9]{10}'", finding.Message, StringComparison.Ordinal);
        Assert.Equal(2, finding.Location!.Line);
        Assert.Equal(3, Judge(new DiffRuleDef { Id = "secrets", Kind = "secrets" }, changes).Count);
    }

    [Fact]
    public void Secrets_say_when_a_file_was_scanned_only_in_part()
    {
        var big = string.Concat(Enumerable.Range(0, 12_000).Select(i => $"line {i} {new string('a', 100)}\n"));
        var changes = fixture.Change(r => r.Write("src/App/huge.txt", big));
        var finding = Assert.Single(Judge(new DiffRuleDef { Id = "secrets", Kind = "secrets" }, changes));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("scanned for secrets only in part", finding.Message, StringComparison.Ordinal);
    }

    // ---- trojan-source ---------------------------------------------------------------------------

    [Fact]
    public void Trojan_source_fires_with_line_and_column()
    {
        var rule = new DiffRuleDef { Id = "trojan", Kind = "trojan-source" };
        var changes = fixture.Change(r => r.Write("src/App/Service.cs", "class Service { }\nvar isAdmin = false; /*\u202E } \u2066if (isAdmin)\u2069 \u2066 begin admins only */\nint a\u200B = 1;\n"));
        var findings = Judge(rule, changes);
        Assert.Equal(2, findings.Count);
        AssertAt(findings[0].Location, "src/App/Service.cs", 2, 24);
        Assert.Contains("U+202E (RIGHT-TO-LEFT OVERRIDE)", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("CVE-2021-42574", findings[0].Message, StringComparison.Ordinal);
        AssertAt(findings[1].Location, "src/App/Service.cs", 3, 6);
        Assert.Contains("ZERO WIDTH SPACE", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trojan_source_allows_a_bom_at_the_start_and_plain_unicode()
    {
        var rule = new DiffRuleDef { Id = "trojan", Kind = "trojan-source" };
        var changes = fixture.Change(r => r.Write("src/App/Bom.cs", "\uFEFFclass Bom { string s = \"héllo wörld 日本\"; }\n"));
        Assert.Empty(Judge(rule, changes));
        var midline = fixture.Change(r => r.Write("src/App/Bom.cs", "class A { }\nclass\uFEFF B { }\n"));
        Assert.Equal(2, Assert.Single(Judge(rule, midline)).Location!.Line);
    }

    // ---- path-safety -----------------------------------------------------------------------------

    [Fact]
    public void Path_safety_fires_for_symlinks_out_of_the_repository_and_case_collisions()
    {
        var rule = new DiffRuleDef { Id = "paths", Kind = "path-safety" };
        var changes = fixture.Change(r =>
        {
            File.CreateSymbolicLink(Path.Combine(r.Path, "src/App/passwd"), "../../../etc/passwd");
            File.CreateSymbolicLink(Path.Combine(r.Path, "src/App/abs"), "/etc/shadow");
            File.CreateSymbolicLink(Path.Combine(r.Path, "src/App/ok"), "../../docs/guide.md");
            r.Write("readme.md", "collides with README.md\n");
            r.Write("Docs/other.md", "collides with docs/\n");
        });
        var findings = Judge(rule, changes);
        Assert.Contains(findings, f => f.Message.Contains("symlink 'src/App/passwd' points outside the repository ('../../../etc/passwd')", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("symlink 'src/App/abs' points outside", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Message.Contains("'src/App/ok'", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("'readme.md' differs only in case from 'README.md'", StringComparison.Ordinal) && f.Message.Contains("same file", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Message.Contains("'Docs' differs only in case from 'docs'", StringComparison.Ordinal) && f.Message.Contains("same directory", StringComparison.Ordinal));
        Assert.Equal(4, findings.Count);
    }

    [Fact]
    public void Path_safety_does_not_fire_for_ordinary_changes()
    {
        var rule = new DiffRuleDef { Id = "paths", Kind = "path-safety" };
        var changes = fixture.Change(r =>
        {
            r.Write("src/App/New.cs", "class New { }\n");
            r.Git("mv", "README.md", "README.txt");
            r.Write("readme.md", "now alone\n");   // README.md was moved away: no collision
        });
        Assert.Empty(Judge(rule, changes));
    }

    [Fact]
    public void Path_safety_fires_for_absolute_and_dot_dot_paths_in_a_diff()
    {
        var rule = new DiffRuleDef { Id = "paths", Kind = "path-safety" };
        var changes = UnifiedDiffParser.Parse(
            "--- /dev/null\n+++ b/../outside.txt\n@@ -0,0 +1 @@\n+x\n" +
            "diff --git a//etc/cron.d/job b//etc/cron.d/job\nnew file mode 100644\n--- /dev/null\n+++ b//etc/cron.d/job\n@@ -0,0 +1 @@\n+x\n" +
            "diff --git a/.git/hooks/pre-commit b/.git/hooks/pre-commit\nnew file mode 100755\n--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+x\n");
        var findings = Judge(rule, changes);
        Assert.Equal(3, findings.Count);
        Assert.Contains("'..' segment", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("is absolute", findings[1].Message, StringComparison.Ordinal);
        Assert.Contains(".git directory", findings[2].Message, StringComparison.Ordinal);
        Assert.Empty(Judge(rule, UnifiedDiffParser.Parse("--- a/x/y.txt\n+++ b/x/y.txt\n@@ -1 +1 @@\n-a\n+b\n")));
    }

    // ---- rollback-note ---------------------------------------------------------------------------

    [Fact]
    public void Rollback_note_fires_for_a_migration_without_a_note()
    {
        var rule = new DiffRuleDef { Id = "rollback", Kind = "rollback-note", Severity = Severity.Escalate, Paths = ["db/migrations/**", "config/**"] };
        var changes = fixture.Change(r => r.Write("db/migrations/002_add.sql", "alter table t add c int;\n"));
        var finding = Assert.Single(Judge(rule, changes));
        Assert.Equal(Severity.Escalate, finding.Severity);
        Assert.Contains("'db/migrations/002_add.sql' changed without a rollback note", finding.Message, StringComparison.Ordinal);
        Assert.Single(Judge(rule, changes, new ScopeFacts { RollbackNote = "  " }));
    }

    [Fact]
    public void Rollback_note_is_satisfied_by_a_marker_line_a_rollback_file_or_the_work_order()
    {
        var rule = new DiffRuleDef { Id = "rollback", Kind = "rollback-note", Paths = ["db/migrations/**"] };
        var marker = fixture.Change(r => r.Write("db/migrations/002_add.sql", "alter table t add c int;\n-- Rollback: alter table t drop column c;\n"));
        Assert.Empty(Judge(rule, marker));
        var file = fixture.Change(r =>
        {
            r.Write("db/migrations/002_add.sql", "alter table t add c int;\n");
            r.Write("db/ROLLBACK.md", "drop column c\n");
        });
        Assert.Empty(Judge(rule, file));
        var plain = fixture.Change(r => r.Write("db/migrations/002_add.sql", "alter table t add c int;\n"));
        Assert.Empty(Judge(rule, plain, new ScopeFacts { RollbackNote = "drop column c" }));
        Assert.Empty(Judge(rule, EditService()));
    }

    // ---- base-hashes -----------------------------------------------------------------------------

    [Fact]
    public void Base_hashes_match_the_base_contents_or_fire()
    {
        var rule = new DiffRuleDef { Id = "base", Kind = "base-hashes" };
        var changes = EditService();
        var good = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("class Service { }\n")));
        Assert.Empty(Judge(rule, changes, new ScopeFacts { BaseHashes = new Dictionary<string, string> { ["src/App/Service.cs"] = "sha256:" + good } }));
        Assert.Empty(Judge(rule, changes, null));

        var stale = new ScopeFacts
        {
            BaseHashes = new Dictionary<string, string>
            {
                ["src/App/Service.cs"] = new string('a', 64),
                ["src/App/Missing.cs"] = good,
                ["README.md"] = "not-a-hash",
            },
        };
        var findings = Judge(rule, changes, stale);
        Assert.Equal(3, findings.Count);
        Assert.Contains(findings, f => f.Location!.Path == "src/App/Service.cs" && f.Message.Contains("is not what the work order recorded (sha256:aaaaaaaaaaaa", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Location!.Path == "src/App/Missing.cs" && f.Message.Contains("does not exist at the base", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Location!.Path == "README.md" && f.Message.Contains("not a SHA-256", StringComparison.Ordinal));
    }

    [Fact]
    public void Base_hashes_fail_closed_without_a_base()
    {
        var rule = new DiffRuleDef { Id = "base", Kind = "base-hashes" };
        var diff = UnifiedDiffParser.Parse("--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n");
        var finding = Assert.Single(Judge(rule, diff, new ScopeFacts { BaseHashes = new Dictionary<string, string> { ["x.txt"] = new string('0', 64) } }));
        Assert.Contains("no base contents", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_hashes_read_a_diffs_base_directory()
    {
        var dir = Directory.CreateTempSubdirectory("autopilot-basedir-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "x.txt"), "a\n");
            var patch = Path.Combine(dir.FullName, "p.diff");
            File.WriteAllText(patch, "--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n");
            var changes = UnifiedDiffParser.ParseFile(patch, dir.FullName);
            var rule = new DiffRuleDef { Id = "base", Kind = "base-hashes" };
            var good = Convert.ToHexStringLower(SHA256.HashData("a\n"u8.ToArray()));
            Assert.Empty(Judge(rule, changes, new ScopeFacts { BaseHashes = new Dictionary<string, string> { ["x.txt"] = good } }));
            Assert.Single(Judge(rule, changes, new ScopeFacts { BaseHashes = new Dictionary<string, string> { ["x.txt"] = good.Replace('a', 'b') } }));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // ---- engine ----------------------------------------------------------------------------------

    [Fact]
    public void Unknown_kinds_and_bad_parameters_fail_closed_and_foreign_kinds_are_skipped()
    {
        var engine = new DiffRuleEngine(
        [
            new DiffRuleDef { Id = "mystery", Kind = "telepathy", Severity = Severity.Warning },
            new DiffRuleDef { Id = "bad-glob", Kind = "protected-paths", Paths = ["src/[oops"] },
            new DiffRuleDef { Id = "bad-regex", Kind = "secrets", Patterns = ["(unclosed"] },
            new DiffRuleDef { Id = "no-paths", Kind = "protected-paths" },
            new DiffRuleDef { Id = "api", Kind = "banned-api" },
            new DiffRuleDef { Id = "schema", Kind = "schema" },
        ]);
        Assert.Equal(4, engine.RuleCount);
        Assert.Equal(4, engine.Problems.Count);
        var findings = engine.Evaluate(EditService(), s_appScope);
        Assert.Equal(["mystery", "bad-glob", "bad-regex", "no-paths"], findings.Select(f => f.RuleId));
        Assert.All(findings, f => Assert.Equal(Severity.Deny, f.Severity));
        Assert.Contains("unknown kind 'telepathy'", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("'[' at position 5 is never closed", findings[1].Message, StringComparison.Ordinal);
        Assert.Contains("not a valid regex", findings[2].Message, StringComparison.Ordinal);
        Assert.Contains("needs 'paths'", findings[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_that_cannot_read_its_input_denies_instead_of_crashing()
    {
        using var repo = new TempGitRepo();
        repo.Write("a.txt", "a\n");
        var first = repo.Commit("1");
        repo.Write("a.txt", "b\n");
        var second = repo.Commit("2");
        var changes = Autopilot.Changes.Git.GitReaders.Open(repo.Path).ReadRange(first, second);
        repo.Dispose();   // the repository disappears under the change set
        var findings = new DiffRuleEngine([new DiffRuleDef { Id = "base", Kind = "base-hashes" }])
            .Evaluate(changes, new ScopeFacts { BaseHashes = new Dictionary<string, string> { ["a.txt"] = new string('0', 64) } });
        var finding = Assert.Single(findings);
        Assert.Equal(Severity.Deny, finding.Severity);
        Assert.Contains("could not be evaluated", finding.Message, StringComparison.Ordinal);
    }
}
