using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Packs;
using Autopilot.Policy.Patterns;

namespace Autopilot.Policy.Tests.Patterns;

/// <summary>The packs' wildcard matcher (argument patterns, program and variable names), and its check at pack load.</summary>
public sealed class ArgumentPatternTests
{
    [Theory]
    // '*' matches any text, '/' included, and nothing.
    [InlineData("*", "", true)]
    [InlineData("*", "a/b/c", true)]
    [InlineData("rsync://*", "rsync://host/path", true)]
    [InlineData("*:*", "user@host:/tmp", true)]
    [InlineData("*:*", "no-colon", false)]
    [InlineData("*/e", "s/a/b/e", true)]
    [InlineData("*/e", "e", false)]
    [InlineData("a*b*c", "a/x/b/y/c", true)]
    [InlineData("a*b*c", "a/x/b/y/cd", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("*$*TOKEN*", "echo $GITHUB_TOKEN", true)]
    // '?' is exactly one character, '/' included.
    [InlineData("?", "/", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a?c", "abbc", false)]
    // Classes, ranges, negation, ']' as the first member, escapes.
    [InlineData("[24675][0-7][0-7][0-7]", "4755", true)]
    [InlineData("[24675][0-7][0-7][0-7]", "4855", false)]
    [InlineData("[!0-9]x", "ax", true)]
    [InlineData("[!0-9]x", "5x", false)]
    [InlineData("[^0-9]x", "5x", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[!]]", "a", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[\\]x]", "]", true)]
    [InlineData("[/]", "/", true)]
    [InlineData("[[:space:]]", "[]", true)] // no POSIX named classes: '[[:space:]' then a literal ']'
    [InlineData("[[:space:]]", " ", false)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "x", false)]
    [InlineData("a\\?", "a?", true)]
    [InlineData("a\\?", "ab", false)]
    [InlineData("\\[x]", "[x]", true)]
    // Literal text is compared exactly.
    [InlineData("DELETE", "DELETE", true)]
    [InlineData("DELETE", "delete", false)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    public void Matches(string pattern, string text, bool expected) =>
        Assert.Equal(expected, ArgumentPattern.IsMatch(pattern, text));

    [Theory]
    [InlineData("DELETE", "delete", true)]
    [InlineData("core.sshCommand=*", "CORE.SSHCOMMAND=ssh -i key", true)]
    [InlineData("[a-c]x", "BX", true)]
    [InlineData("[A-C]x", "bx", true)]
    [InlineData("[!a-c]x", "Bx", false)]
    [InlineData("\\Q", "q", true)]
    [InlineData("get", "post", false)]
    public void Matches_ignoring_case(string pattern, string text, bool expected) =>
        Assert.Equal(expected, ArgumentPattern.IsMatch(pattern, text, ignoreCase: true));

    [Fact]
    public void A_star_backtracks_without_blowing_up()
    {
        var text = new string('a', 5000);
        Assert.False(ArgumentPattern.IsMatch("*a*a*a*a*a*b", text));
        Assert.True(ArgumentPattern.IsMatch("*a*a*a*a*a*", text));
    }

    [Theory]
    [InlineData("[abc", "'[' at position 1 is never closed")]
    [InlineData("x[!]", "'[' at position 2 is never closed")]
    [InlineData("x\\", "a '\\' at the end escapes nothing")]
    [InlineData("[z-a]", "the range 'z-a' at position 1 is reversed")]
    [InlineData("", "an empty pattern matches only an empty argument")]
    public void Malformed_patterns_are_rejected(string pattern, string problem) =>
        Assert.Equal(problem, ArgumentPattern.Validate(pattern));

    [Theory]
    [InlineData("*")]
    [InlineData("[]]")]
    [InlineData("[\\]]")]
    [InlineData("\\[")]
    [InlineData("[[:space:]]")]
    [InlineData("rsync://**")]
    public void Well_formed_patterns_are_accepted(string pattern) =>
        Assert.Null(ArgumentPattern.Validate(pattern));

    [Fact]
    public void An_unclosed_class_reaching_the_matcher_is_literal() =>
        Assert.True(ArgumentPattern.IsMatch("a[b", "a[b"));

    [Theory]
    [InlineData("python3.*", true)]
    [InlineData("mkfs.?", true)]
    [InlineData("[", false)]
    [InlineData("[[", false)]
    [InlineData("rm", false)]
    public void Names_are_patterns_only_with_a_star_or_a_question_mark(string name, bool expected) =>
        Assert.Equal(expected, ArgumentPattern.IsNamePattern(name));

    [Theory]
    [InlineData("        ifArgs: [\"ok\", \"[oops\"]\n", 6, "[oops")]
    [InlineData("        ifNotArgs: [\"x\\\\\"]\n", 6, "x\\")]
    [InlineData("        ifFlagValues: { -X: [\"[z-a]\"] }\n", 6, "[z-a]")]
    [InlineData("        ifFlagValues:\n          -X: \"[bad\"\n", 7, "[bad")]
    public void A_malformed_argument_pattern_is_an_error_at_its_line(string condition, int line, string pattern)
    {
        var text = "pack: p\nprograms:\n  - names: [tool]\n    effects:\n      - effect: net.egress\n" + condition;

        var loaded = PackLoader.LoadText(text, "p.pack.yaml");

        var error = Assert.Single(loaded.Diagnostics);
        Assert.Equal(PolicyDiagnosticIds.InvalidPattern, error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(line, error.Location.Line);
        Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_program_or_variable_name_pattern_is_an_error_at_its_line()
    {
        var text = "pack: p\nprograms:\n  - names: [\"[\", \"[[\", \"tool[*\"]\nenvironment:\n  - names: [OK, \"X_[*\"]\n    effects: [exec.unseen]\n";

        var loaded = PackLoader.LoadText(text, "p.pack.yaml");

        Assert.Collection(
            loaded.Diagnostics,
            d => Assert.Equal((PolicyDiagnosticIds.InvalidPattern, 3), (d.Id, d.Location.Line)),
            d => Assert.Equal((PolicyDiagnosticIds.InvalidPattern, 5), (d.Id, d.Location.Line)));
    }

    [Fact]
    public void Every_pattern_of_the_built_in_packs_is_well_formed()
    {
        foreach (var name in PackLoader.BuiltInNames)
        {
            var loaded = PackLoader.LoadText(PackLoader.BuiltInText(name)!, $"{name}.pack.yaml");
            Assert.DoesNotContain(loaded.Diagnostics, d => d.Id == PolicyDiagnosticIds.InvalidPattern);
        }
    }
}
