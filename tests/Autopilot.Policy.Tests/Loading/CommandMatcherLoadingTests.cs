using Autopilot.Core.Policies;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Policy.Tests.Loading;

/// <summary>The command matcher's shape keys (not, argAt, minArgs, maxArgs, words, rawPrograms, flags, pathArgs): bound, and every mistake reported where it is written.</summary>
public sealed class CommandMatcherLoadingTests
{
    private const string Head = "phases: [a]\nrisks:\n  - id: R\n    risk: high\n    message: m\n    command:\n";

    private static PlanResult Compile(string command) =>
        PlanBuilder.Compile(PolicyLoader.LoadText(Head + command, "/p/test.policy.yaml"), PolicySource.RuntimeChecks);

    private static CommandMatchDef Bind(string command)
    {
        var result = Compile(command);
        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        return result.Plan!.Risks[0].Command!;
    }

    private static PolicyDiagnostic Single(string command, string id)
    {
        var result = Compile(command);
        return Assert.Single(result.Diagnostics, d => d.Id == id);
    }

    [Fact]
    public void Every_shape_key_is_bound()
    {
        var m = Bind("""
                  rawPrograms: ["./init.sh"]
                  flags: ["-*"]
                  words: [node, "npm run *"]
                  argAt: { index: -1, globs: ["*.sh"], regex: '^[a-z.]+$' }
                  minArgs: 1
                  maxArgs: 3
                  pathArgs: outside
                  not: [ { programs: [git] }, { words: [status] } ]
            """);
        Assert.Equal(["./init.sh"], m.RawPrograms.Select(p => p.Value));
        Assert.Equal(["-*"], m.Flags.Select(f => f.Value));
        Assert.Equal(["node", "npm run *"], m.Words.Select(w => w.Value));
        var argAt = Assert.Single(m.ArgAt);
        Assert.Equal(-1, argAt.Index);
        Assert.Equal(["*.sh"], argAt.Globs.Select(g => g.Value));
        Assert.Equal("^[a-z.]+$", argAt.Regex!.Value);
        Assert.Equal((1, 3), (m.MinArgs, m.MaxArgs));
        Assert.Equal("outside", m.PathArgs);
        Assert.Equal(2, m.Not.Count);
        Assert.Equal(["git"], m.Not[0].Programs);
        Assert.Equal((7, 7), (m.Location!.Line, m.Location.Column));
        Assert.Equal((9, 21), (m.Words[1].Location!.Line, m.Words[1].Location!.Column));
    }

    [Fact]
    public void A_single_not_and_a_list_of_argAt_are_accepted()
    {
        var m = Bind("      not: { programs: [git] }\n      argAt: [ { index: 0, globs: [a] }, { index: 1, regex: b } ]\n");
        Assert.Single(m.Not);
        Assert.Equal([0, 1], m.ArgAt.Select(a => a.Index));
    }

    [Theory]
    [InlineData("      minArgs: -1\n", PolicyDiagnosticIds.InvalidValue, 7, 16, "minArgs must be at least 0")]
    [InlineData("      maxArgs: many\n", PolicyDiagnosticIds.WrongType, 7, 16, "maxArgs must be a whole number")]
    [InlineData("      pathArgs: outsde\n", PolicyDiagnosticIds.InvalidValue, 7, 17, "Did you mean 'outside'?")]
    [InlineData("      argAt: { index: 0 }\n", PolicyDiagnosticIds.MissingKey, 7, 14, "argAt needs 'globs' or 'regex'")]
    [InlineData("      argAt: { globs: [a] }\n", PolicyDiagnosticIds.MissingKey, 7, 14, "argAt needs 'index'")]
    [InlineData("      argAt: { index: last, globs: [a] }\n", PolicyDiagnosticIds.WrongType, 7, 23, "argAt.index must be a whole number")]
    [InlineData("      argAt: { index: 0, glob: [a] }\n", PolicyDiagnosticIds.UnknownKey, 7, 26, "Did you mean 'globs'?")]
    [InlineData("      not: { program: [git] }\n", PolicyDiagnosticIds.UnknownKey, 7, 14, "in a 'not' matcher")]
    [InlineData("      not: [ 1 ]\n", PolicyDiagnosticIds.WrongType, 7, 14, "a 'not' matcher must be a mapping")]
    public void A_bad_value_is_reported_where_it_is_written(string command, string id, int line, int column, string text)
    {
        var d = Single(command, id);
        Assert.Contains(text, d.Message, StringComparison.Ordinal);
        Assert.Equal(("/p/test.policy.yaml", line, column), (d.Location.Path, d.Location.Line, d.Location.Column));
    }

    [Theory]
    [InlineData("      rawPrograms: [ok, 'a[b']\n", 7, 25)]
    [InlineData("      flags: ['-{a']\n", 7, 15)]
    [InlineData("      words:\n        - run\n        - 'npm [x'\n", 9, 11)]
    [InlineData("      argAt: { index: 0, globs: ['[z'] }\n", 7, 34)]
    [InlineData("      argAt: { index: 0, regex: '(' }\n", 7, 33)]
    [InlineData("      not:\n        not:\n          flags: ['-[']\n", 9, 19)]
    [InlineData("      programs: ['rm[']\n", 7, 7)] // a '[' at the end used to crash the check; the older lists are reported at the matcher
    public void A_bad_glob_or_regex_is_reported_at_its_own_place(string command, int line, int column)
    {
        var d = Single(command, PolicyDiagnosticIds.InvalidPattern);
        Assert.Equal((line, column), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void MinArgs_above_maxArgs_is_a_contradiction_at_the_matcher()
    {
        var d = Single("      minArgs: 2\n      maxArgs: 1\n", PolicyDiagnosticIds.Contradiction);
        Assert.Contains("minArgs (2) is above maxArgs (1)", d.Message, StringComparison.Ordinal);
        Assert.Equal((7, 7), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void An_empty_not_is_a_rule_that_can_never_match()
    {
        var d = Single("      programs: [ls]\n      not: {}\n", PolicyDiagnosticIds.EmptyRule);
        Assert.Equal((8, 12), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Not_nests_at_most_eight_deep()
    {
        var deep = "      not: " + string.Concat(Enumerable.Repeat("{ not: ", 8)) + "{ programs: [x] }" + new string('}', 8) + "\n";
        var d = Single(deep, PolicyDiagnosticIds.InvalidValue);
        Assert.Contains("more than 8 levels", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_message_placeholder_is_a_warning_with_a_suggestion()
    {
        var result = PlanBuilder.Compile(
            PolicyLoader.LoadText("phases: [a]\nrisks:\n  - { id: R, risk: high, message: 'got: {args}, {program}', command: { programs: [x] } }\n", "/p/t.policy.yaml"),
            PolicySource.RuntimeChecks);
        Assert.True(result.Succeeded);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("'{args}'", d.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean '{arg}'?", d.Message, StringComparison.Ordinal);
        Assert.Equal(3, d.Location.Line);
    }
}
