using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Tests.Engine;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tests.Actions;

/// <summary>
/// The command matchers over the shape of an invocation (not, argAt, minArgs/maxArgs, words, rawPrograms, flags,
/// pathArgs) and the message placeholders they fill, each written as a policy would write it.
/// </summary>
public sealed class CommandShapeMatcherTests
{
    private static readonly ActionContext s_context = new("/work/repo", "/home/agent") { ResolveSymlinks = false };

    /// <summary>A classifier for one risk rule <c>R</c> (high) whose command matcher is <paramref name="command"/> (YAML flow or block, indented for the rule).</summary>
    private static ActionClassifier Rule(string command, string message = "m")
    {
        var engine = EngineFixture.Compile($$"""
            phases: [a]
            actions: { workspaceExtraPaths: ["/tmp/**"] }
            risks:
              - id: R
                risk: high
                message: "{{message}}"
                command: {{command}}
            """);
        return engine.Actions.Classifier;
    }

    private static ActionMatch[] Matches(ActionClassifier classifier, string command) =>
        [.. classifier.ClassifyCommand(command, s_context).Matches.Where(m => m.RuleId == "R")];

    private static bool Fires(ActionClassifier classifier, string command) => Matches(classifier, command).Length > 0;

    // ------------------------------------------------------------------ not

    [Theory]
    [InlineData("pkill node", false)]
    [InlineData("pkill bash", true)]
    [InlineData("kill 1", false)]
    public void Not_matches_when_the_nested_matcher_does_not(string command, bool fires)
    {
        var c = Rule("{ programs: [pkill], not: { words: [node] } }");
        Assert.Equal(fires, Fires(c, command));
    }

    [Theory]
    [InlineData("chmod +x a", false)]
    [InlineData("chmod -R +x a", false)]
    [InlineData("chmod 777 a", true)]
    public void A_list_under_not_means_none_of_them(string command, bool fires)
    {
        var c = Rule("{ programs: [chmod], not: [ { flags: ['-*'] }, { argAt: { index: 0, globs: ['+x'] } } ] }");
        Assert.Equal(fires, Fires(c, command));
    }

    [Fact]
    public void Not_nests_and_names_other_programs()
    {
        // Every program but git, and git itself only for push.
        var c = Rule("{ not: { programs: [git], not: { subcommands: [push] } } }");
        Assert.True(Fires(c, "ls"));
        Assert.True(Fires(c, "git push"));
        Assert.False(Fires(c, "git status"));
    }

    [Fact]
    public void Each_invocation_of_a_line_is_judged_on_its_own()
    {
        var pkill = Rule("{ programs: [pkill], not: { words: [node, npm] } }", "got: {arg}");
        var match = Assert.Single(Matches(pkill, "pkill node; pkill bash; pkill npm"));
        Assert.Equal("pkill bash", match.Invocation!.Text);
        Assert.StartsWith("got: bash", match.Reason, StringComparison.Ordinal);

        var chmod = Rule("{ programs: [chmod], not: { argAt: { index: 0, regex: '^[ugoa]*\\+x$' } } }", "got: {arg}");
        Assert.Equal(["chmod 777 b", "chmod 600 c"], Matches(chmod, "chmod +x a && chmod 777 b || chmod 600 c").Select(m => m.Invocation!.Text));
        Assert.Equal("deny", EngineFixture.Compile("""
            phases: [a]
            autonomy: { levels: [ { id: l, allowUpTo: low, escalateUpTo: low } ] }
            risks:
              - { id: R, risk: high, message: m, command: { programs: [pkill], not: { words: [node] } } }
            """).Actions.Command("pkill node; pkill bash", s_context, "l").Verdict.ToWire());
    }

    // ------------------------------------------------------------------ argAt, minArgs, maxArgs

    [Theory]
    [InlineData("cp a b", true)]
    [InlineData("cp -r b a", false)]
    [InlineData("cp", false)]
    public void ArgAt_zero_is_the_first_positional_wherever_flags_sit(string command, bool fires) =>
        Assert.Equal(fires, Fires(Rule("{ programs: [cp], argAt: { index: 0, globs: [a] } }"), command));

    [Theory]
    [InlineData("cp a b dest/", true)]
    [InlineData("cp dest/ b", false)]
    [InlineData("cp dest/ -v", true)]
    public void ArgAt_minus_one_is_the_last_positional(string command, bool fires) =>
        Assert.Equal(fires, Fires(Rule("{ programs: [cp], argAt: { index: -1, globs: ['dest/'] } }"), command));

    [Fact]
    public void ArgAt_takes_globs_and_a_regex_together_and_a_list_of_positions()
    {
        var both = Rule("{ programs: [x], argAt: { index: 1, globs: ['v*'], regex: '^v[0-9]+$' } }");
        Assert.True(Fires(both, "x a v12"));
        Assert.False(Fires(both, "x a version"));
        Assert.False(Fires(both, "x a 12"));

        var list = Rule("{ programs: [x], argAt: [ { index: 0, globs: [a] }, { index: -1, globs: [z] } ] }");
        Assert.True(Fires(list, "x a b z"));
        Assert.False(Fires(list, "x a b"));
    }

    [Theory]
    [InlineData("rm", false)]
    [InlineData("rm -f a", true)]
    [InlineData("rm a b", true)]
    [InlineData("rm a b c", false)]
    public void MinArgs_and_maxArgs_count_positionals_only(string command, bool fires) =>
        Assert.Equal(fires, Fires(Rule("{ programs: [rm], minArgs: 1, maxArgs: 2 }"), command));

    [Fact]
    public void MaxArgs_zero_catches_a_missing_operand_and_says_so()
    {
        var match = Assert.Single(Matches(Rule("{ programs: [pkill], maxArgs: 0 }"), "pkill -f"));
        Assert.Contains("matched 0 arguments", match.Reason, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ words

    [Theory]
    [InlineData("pkill node", true)]
    [InlineData("pkill -f node", true)]
    [InlineData("pkill -f 'node server.js'", true)]
    [InlineData("pkill 'node' -f", true)]
    [InlineData("pkill -f 'nodejs server.js'", false)]
    [InlineData("pkill -f 'bash node'", false)]
    [InlineData("pkill", false)]
    public void Words_read_the_leading_positional_words_and_split_a_quoted_pattern(string command, bool fires) =>
        Assert.Equal(fires, Fires(Rule("{ programs: [pkill], words: [node] }"), command));

    [Theory]
    [InlineData("npm run build", true)]
    [InlineData("npm --silent run test:unit", true)]
    [InlineData("npm run", false)]
    [InlineData("npm install", false)]
    [InlineData("npm ci", true)]
    public void Words_take_globs_and_several_words_per_entry(string command, bool fires) =>
        Assert.Equal(fires, Fires(Rule("{ programs: [npm], words: ['run *', ci] }"), command));

    [Fact]
    public void Words_name_the_word_that_failed_and_the_words_that_matched()
    {
        var miss = Assert.Single(Matches(Rule("{ programs: [npm], not: { words: ['run build'] } }", "got: {arg}"), "npm run deploy"));
        Assert.StartsWith("got: deploy", miss.Reason, StringComparison.Ordinal);

        var hit = Assert.Single(Matches(Rule("{ programs: [npm], words: ['run *'] }", "got: {arg}"), "npm run build --prod"));
        Assert.StartsWith("got: run build", hit.Reason, StringComparison.Ordinal);
        Assert.Contains("matched words 'run build'", hit.Reason, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ rawPrograms

    [Theory]
    [InlineData("./init.sh", true)]
    [InlineData("./init.sh --production", true)]
    [InlineData("/x/init.sh", false)]
    [InlineData("init.sh", false)]
    public void RawPrograms_compare_the_program_as_written(string command, bool fires)
    {
        var c = Rule("{ programs: [init.sh], rawPrograms: ['./init.sh'] }");
        Assert.Equal(fires, Fires(c, command));
    }

    [Theory]
    [InlineData("./init.sh", false)]
    [InlineData("/path/to/init.sh", false)]
    [InlineData("../dir/init.sh", false)]
    [InlineData("init.sh", true)]
    [InlineData("'./init.sh'", false)]
    public void A_path_ending_in_the_script_is_a_glob_with_a_slash(string command, bool fires)
    {
        var c = Rule("{ programs: [init.sh], not: { rawPrograms: ['*/**/init.sh'] } }", "got: {rawProgram} ({program})");
        Assert.Equal(fires, Fires(c, command));
        if (fires)
        {
            var match = Assert.Single(Matches(c, command));
            Assert.StartsWith("got: init.sh (init.sh)", match.Reason, StringComparison.Ordinal);
            Assert.Contains("matched program written 'init.sh'", match.Reason, StringComparison.Ordinal);
        }
    }

    // ------------------------------------------------------------------ flags

    [Theory]
    [InlineData("chmod +x a", false)]
    [InlineData("chmod -R +x a", true)]
    [InlineData("chmod --recursive +x a", true)]
    [InlineData("chmod -x a", true)]
    public void Flags_match_flags_by_glob(string command, bool fires) =>
        Assert.Equal(fires, Fires(Rule("{ programs: [chmod], flags: ['-*'] }"), command));

    [Fact]
    public void Flags_see_combined_short_flags_split_and_name_the_one_that_matched()
    {
        var c = Rule("{ programs: [rm], flags: ['--no-*', '-f'] }", "flag {flag}");
        var match = Assert.Single(Matches(c, "rm -rf build"));
        Assert.StartsWith("flag -f", match.Reason, StringComparison.Ordinal);
        Assert.StartsWith("flag --no-preserve-root", Assert.Single(Matches(c, "rm --no-preserve-root x")).Reason, StringComparison.Ordinal);
        Assert.False(Fires(c, "rm -r build"));
    }

    [Fact]
    public void Flags_do_not_see_positionals_nor_positional_matchers_flags()
    {
        // A positional that merely contains a dash is not a flag; a flag is not a positional.
        Assert.False(Fires(Rule("{ programs: [git], flags: ['*m*'] }"), "git commit message"));
        Assert.False(Fires(Rule("{ programs: [ls], argAt: { index: 0, globs: ['-*'] } }"), "ls -la src"));
    }

    // ------------------------------------------------------------------ pathArgs

    [Theory]
    [InlineData("cat /etc/passwd", true, "/etc/passwd")]
    [InlineData("grep -r x ~/.ssh", true, "~/.ssh")]
    [InlineData("ls $HOME/x", true, "$HOME/x")]
    [InlineData("ls ../other", true, "../other")]
    [InlineData("ls ..", true, "..")]
    [InlineData("dd if=/dev/zero of=out.img", true, "if=/dev/zero")]
    [InlineData("cp a $OUT/b", true, "$OUT/b")]
    [InlineData("cat ~root/.profile", true, "~root/.profile")]
    [InlineData("ls src/../README.md", false, null)]
    [InlineData("ls /work/repo/src", false, null)]
    [InlineData("cat .", false, null)]
    [InlineData("grep -r x src/", false, null)]
    [InlineData("curl https://example.com/a/b", false, null)]
    [InlineData("git checkout origin/main", false, null)]
    [InlineData("cat /tmp/build.log", false, null)]
    [InlineData("grep x /dev/null", false, null)]
    [InlineData("git commit -m 'a/b'", false, null)]
    public void PathArgs_outside_finds_a_path_argument_outside_the_workspace(string command, bool fires, string? arg)
    {
        var c = Rule("{ pathArgs: outside }", "outside: {arg}");
        var matches = Matches(c, command);
        Assert.Equal(fires, matches.Length > 0);
        if (arg is not null)
        {
            Assert.StartsWith($"outside: {arg} ", matches[0].Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PathArgs_resolve_from_the_working_directory()
    {
        var c = Rule("{ pathArgs: outside }");
        var inSrc = s_context with { WorkingDirectory = "/work/repo/src" };
        Assert.DoesNotContain(c.ClassifyCommand("cat ../README.md", inSrc).Matches, m => m.RuleId == "R");
        Assert.Contains(c.ClassifyCommand("cat ../../x", inSrc).Matches, m => m.RuleId == "R");
    }

    // ------------------------------------------------------------------ messages

    [Fact]
    public void Messages_name_the_failing_value()
    {
        var c = Rule("{ programs: [chmod], not: { argAt: { index: 0, regex: '^[ugoa]*\\+x$' } } }", "chmod mode not allowed, got: {arg}");
        var match = Assert.Single(Matches(c, "chmod 777 init.sh"));
        Assert.StartsWith("chmod mode not allowed, got: 777 (matched argument '777' in 'chmod 777 init.sh')", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placeholder_with_no_value_says_none_and_unknown_names_stay()
    {
        var c = Rule("{ programs: [chmod], maxArgs: 0 }", "{program} by {rawProgram}: {arg} {flag} {other}");
        var match = Assert.Single(Matches(c, "/bin/chmod"));
        Assert.StartsWith("chmod by /bin/chmod: (none) (none) {other}", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Existing_matchers_fill_arg_and_flag_too()
    {
        var c = Rule("{ programs: [rm], anyFlags: [-r], args: ['/'] }", "{flag} on {arg}");
        Assert.StartsWith("-r on /", Assert.Single(Matches(c, "rm -rf /")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regex_that_cannot_be_compiled_names_the_rule()
    {
        var doc = Policy.Loading.PolicyLoader.LoadText("""
            phases: [a]
            risks:
              - { id: R, risk: high, message: m, command: { argAt: { index: 0, regex: '(?<=a)b' } } }
            """, "/t/p.policy.yaml").Document!;
        // Built on first use (the validator compiles it at load, see PolicyValidator.CheckRegex): the error names the rule.
        var classifier = new ActionClassifier(doc.Risks, doc.Actions, doc.RiskLevels);
        var e = Assert.Throws<ArgumentException>(() => classifier.ClassifyCommand("x b", s_context));
        Assert.Contains("risk rule 'R'", e.Message, StringComparison.Ordinal);
        Assert.Contains("argAt regex", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Risk_predicates_see_flags_and_positionals_as_separate_facts()
    {
        var engine = EngineFixture.Compile("""
            phases: [a]
            autonomy: { levels: [ { id: l, allowUpTo: low, escalateUpTo: low } ] }
            risks:
              - id: R
                risk: high
                message: m
                command: { programs: [chmod] }
                when: "facts.flags.indexOf('-R') >= 0 && facts.positionals[0] === '+x' && facts.rawProgram === '/bin/chmod'"
            """);
        Assert.Equal(Verdict.Deny, engine.Actions.Command("/bin/chmod -R +x dir", s_context, "l").Verdict);
        Assert.Equal(Verdict.Allow, engine.Actions.Command("chmod -R +x dir", s_context, "l").Verdict);
        Assert.Equal(Verdict.Allow, engine.Actions.Command("/bin/chmod +x dir", s_context, "l").Verdict);
    }
}
