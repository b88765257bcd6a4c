using System.Diagnostics;
using System.Text.Json;
using Autopilot.Core.Policies;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Patterns;
using Autopilot.Policy.Plan;

namespace Autopilot.Policy.Tests.Patterns;

/// <summary>The one glob (docs/globs.md): the shared table, the validator over the same table, and what only the glob itself shows.</summary>
public sealed class GlobTests
{
    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void The_table_holds_for_the_glob_and_a_set_of_it(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, Glob.Parse(pattern).IsMatchUnderRoot(path));
        Assert.Equal(expected, GlobSet.Create(["never/**", pattern]).IsMatchUnderRoot(path));

        // A repository path and the same path written from the root are one path.
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch("/" + path));
    }

    [Theory]
    [MemberData(nameof(GlobTable.Data), MemberType = typeof(GlobTable))]
    public void The_validator_accepts_every_pattern_of_the_table(string pattern, string path, bool expected)
    {
        _ = (path, expected);
        Assert.Null(Glob.Validate(pattern));
        var result = Compile(pattern);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidPattern);
    }

    [Theory]
    [MemberData(nameof(GlobTable.MalformedData), MemberType = typeof(GlobTable))]
    public void The_validator_and_the_runtime_reject_the_same_globs(string pattern)
    {
        Assert.NotNull(Glob.Validate(pattern));
        var error = Assert.Throws<FormatException>(() => Glob.Parse(pattern));
        Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => GlobSet.Create([pattern]));
        if (pattern.Length > 0)
        {
            var result = Compile(pattern);
            Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidPattern && d.Message.Contains(pattern, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("actions: { secretPaths: ['[oops'] }")]
    [InlineData("actions: { protectedPaths: ['a}b'] }")]
    [InlineData("tools: { always: ['{Read'] }")]
    public void The_validator_checks_the_action_lists_the_classifier_parses(string section)
    {
        var result = PlanBuilder.Compile(PolicyLoader.LoadText("phases: [a]\n" + section + "\n", "/p/test.policy.yaml"), PolicySource.RuntimeChecks);
        Assert.Contains(result.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidPattern);
    }

    private static PlanResult Compile(string glob) => PlanBuilder.Compile(PolicyLoader.LoadText($$"""
        phases: [a]
        diff:
          - { id: P, kind: protected-paths, paths: [{{JsonSerializer.Serialize(glob)}}] }
        """, "/p/test.policy.yaml"), PolicySource.RuntimeChecks);

    [Theory]
    [InlineData("/", "/", true)]
    [InlineData("/*", "/etc", true)]
    [InlineData("/*", "/", true)]
    [InlineData("/*", "/etc/x", false)]
    [InlineData("/*", "etc", false)]                 // anchored at the root: a relative path is not rooted
    [InlineData("/etc/**", "/etc/ssh/sshd_config", true)]
    [InlineData("/etc/**", "etc/ssh/sshd_config", false)]
    [InlineData("/dev/sd*", "/dev/sda1", true)]
    [InlineData("/dev/sd*", "/dev/sd/x", false)]
    [InlineData("**/.ssh/**", "/home/u/.ssh/id_rsa", true)]
    [InlineData("~/.ssh/**", "~/.ssh/id_rsa", true)]
    [InlineData("~/.ssh/**", "/home/u/.ssh/id_rsa", false)]
    [InlineData("*.pem", "/srv/keys/a.pem", true)]
    [InlineData(".git/**", "/home/u/repo/.git/config", false)]
    [InlineData("src/", "src/", true)]
    public void Path_globs_on_paths_as_written(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch(path));

    [Theory]
    [InlineData("./", "./", true)]
    [InlineData("./", "./src", false)]
    [InlineData("../", "../", true)]
    [InlineData("./[*]", "./*", true)]
    [InlineData("../*", "../x", true)]
    [InlineData("..", "foo/..", true)]
    [InlineData("[*]", "dir/*", true)]
    [InlineData("/*", "src", false)]
    [InlineData("/*", "/usr", true)]
    [InlineData("~/*", "~/x", true)]
    [InlineData(".", "x/.", true)]
    [InlineData(".", "./x", false)]
    public void Argument_globs_keep_dot_slash_and_trailing_slash_as_text(string pattern, string argument, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern, GlobKind.Argument).IsMatch(argument));

    [Theory]
    [InlineData("python3*", "python3.12", true)]
    [InlineData("rm", "/bin/rm", false)]
    [InlineData("*", "a/b", false)]
    [InlineData("--exec*", "--execdir", true)]
    [InlineData("mcp__*", "mcp__github__create_issue", true)]
    [InlineData("{Read,Grep}", "Grep", true)]
    [InlineData("Read", "read", false)]
    public void Name_globs_match_the_whole_name(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, Glob.Parse(pattern, GlobKind.Name).IsMatch(name));
        Assert.Equal(expected, GlobSet.Create([pattern], GlobKind.Name).IsMatch(name));
    }

    [Fact]
    public void Plain_names_are_offered_for_indexing_and_wildcards_are_not()
    {
        Assert.Equal(["git", "rm"], GlobSet.Create(["rm", "git"], GlobKind.Name).PlainNamesOnly!.Order(StringComparer.Ordinal));
        Assert.Null(GlobSet.Create(["rm", "py*"], GlobKind.Name).PlainNamesOnly);
    }

    [Fact]
    public void Braces_expand_but_not_without_bound()
    {
        Assert.Null(Glob.Validate("{a,b}{c,d}{e,f}{g,h}"));
        var tooMany = string.Concat(Enumerable.Repeat("{a,b}", 9));   // 512 alternatives
        Assert.Contains("alternatives", Glob.Validate(tooMany), StringComparison.Ordinal);
    }

    [Fact]
    public void Many_stars_and_globstars_stay_linear()
    {
        // A backtracking regex engine takes exponential time on these; the glob must not.
        var stars = Glob.Parse(string.Concat(Enumerable.Repeat("*a", 30)) + "b", GlobKind.Name);
        var globstars = Glob.Parse(string.Concat(Enumerable.Repeat("**/a/", 20)) + "b");
        var name = new string('a', 20_000);
        var path = string.Join('/', Enumerable.Repeat("a", 5_000));
        var sw = Stopwatch.StartNew();
        Assert.False(stars.IsMatch(name));
        Assert.False(globstars.IsMatch(path));
        Assert.True(sw.ElapsedMilliseconds < 2000, $"{sw.ElapsedMilliseconds} ms");
    }
}
