using System.Diagnostics;
using Autopilot.Core.Predicates;

namespace Autopilot.Core.Tests.Predicates;

public sealed class PredicateEngineTests
{
    private static readonly PredicateFacts s_pkill = new PredicateFacts()
        .Add("program", "pkill")
        .Add("args", ["-f", "node server.js"])
        .Add("flags", ["-f"])
        .Add("positionals", ["node server.js"])
        .Add("phase", (string?)null);

    [Theory]
    [InlineData("facts.positionals.every(p => p.startsWith('node'))")]
    [InlineData("facts.flags.includes('-f')")]
    [InlineData("facts.signals?.retries === undefined")]
    [InlineData("(facts.phase ?? 'none') === 'none'")]
    [InlineData("`${facts.program} ${facts.args.length}` === 'pkill 2'")]
    [InlineData("const [first] = facts.args; return first === '-f';")]
    [InlineData("let ok = ['node', 'npm']; return facts.positionals.some(p => ok.includes(p.split(' ')[0]));")]
    // An expression holding 'return' inside an arrow body is still an expression, not a function body.
    [InlineData("facts.args.some(a => { return a === '-f'; })")]
    [InlineData("/^node\\b/.test(facts.positionals[0])")]
    public void ModernJavaScriptRuns(string predicate)
    {
        Assert.Null(PredicateEngine.CheckSyntax(predicate));
        Assert.True(new PredicateEngine().Evaluate(predicate, s_pkill));
    }

    [Fact]
    public void FactsBuiltInDotNetReadTheSameAsFactsFromJson()
    {
        var engine = new PredicateEngine();
        const string predicate = "JSON.stringify(facts)";
        var fromJson = Assert.Throws<PredicateException>(() => engine.Evaluate(predicate, s_pkill.ToJson()));
        Assert.Contains("a string", fromJson.Message, StringComparison.Ordinal);
        Assert.True(engine.Evaluate($"JSON.stringify(facts) === {System.Text.Json.JsonSerializer.Serialize(s_pkill.ToJson())}", s_pkill));
        Assert.True(engine.Evaluate("facts.args[1] === 'node server.js' && facts.phase === null", s_pkill.ToJson()));
    }

    [Theory]
    [InlineData("facts.nothing.here > 1", "threw", false)]
    [InlineData("const x = 1;\nthrow new Error('no dev process');", "no dev process at line 2", false)]
    [InlineData("throw { toString() { while (true) {} } }", "threw", false)]
    // An endless loop stops at the statement limit or the time limit, whichever comes first on a busy machine.
    [InlineData("while (true) {}", "statements|ran longer than 1 s", true)]
    [InlineData("for (;;) { facts.args.includes(facts.program); }", "statements|ran longer than 1 s", true)]
    [InlineData("const f = n => f(n + 1); return f(0);", "nested calls deeper than", true)]
    [InlineData("let s = 'x'; while (true) { s = s + s; }", "allocated more than", true)]
    [InlineData("const a = []; for (;;) { a.push(new Array(100000).fill('x')); }", "allocated more than", true)] // big steps: the memory limit comes long before the time limit, even on a busy machine
    [InlineData("facts.args.length", "returned a number, not true or false", false)]
    [InlineData("undeclared = 1; return true;", "threw", false)]
    [InlineData("eval('true')", "threw", false)]
    [InlineData("facts.constructor.constructor('return true')()", "threw", false)]
    [InlineData("return x >;", "Unexpected token", false)]
    [InlineData("}); globalThis.x = 1; (function () {", "one expression or one function body", false)]
    public void APredicateThatCannotAnswerRaisesAndTheEngineStillAnswers(string predicate, string expected, bool isLimit)
    {
        var engine = new PredicateEngine();
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<PredicateException>(() => engine.Evaluate(predicate, s_pkill));
        Assert.Matches(expected, ex.Message);
        Assert.Equal(isLimit, ex.IsLimit);
        Assert.True(watch.Elapsed < PredicateEngine.Timeout * 3, $"took {watch.Elapsed}");

        // The same engine keeps answering (a limit replaces the JavaScript engine behind it).
        Assert.True(engine.Evaluate("facts.program === 'pkill'", s_pkill));
        Assert.False(engine.Evaluate("facts.program === 'kill'", s_pkill));
    }

    [Fact]
    public void APredicateThatRunsTooLongTimesOut()
    {
        // Catastrophic backtracking over a fact the agent controls: the regular expression is bounded by the same time limit.
        var facts = new PredicateFacts().Add("command", new string('a', 40) + "!");
        var engine = new PredicateEngine();
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<PredicateException>(() => engine.Evaluate("/^(a+)+$/.test(facts.command)", facts));
        Assert.True(ex.IsLimit);
        Assert.Contains("ran longer than 1 s", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < PredicateEngine.Timeout * 3, $"took {watch.Elapsed}");
        Assert.True(engine.Evaluate("facts.command.endsWith('!')", facts));
    }

    [Theory]
    [InlineData("typeof System === 'undefined' && typeof importNamespace === 'undefined' && typeof clr === 'undefined'")]
    [InlineData("typeof require === 'undefined' && typeof process === 'undefined'")]
    public void ScriptsSeeNoClrOrHost(string predicate) => Assert.True(new PredicateEngine().Evaluate(predicate, "{}"));

    [Fact]
    public void PredicatesDoNotLeakStateIntoEachOther()
    {
        var engine = new PredicateEngine();
        Assert.True(engine.Evaluate("var leaked = 1; return true;", "{}"));
        Assert.True(engine.Evaluate("typeof leaked === 'undefined'", "{}"));
    }

    [Fact]
    public void LimitsAreResetBeforeEveryCall()
    {
        var engine = new PredicateEngine();
        // 2,000 calls of about 200 statements: far over the limit together, far under it one by one.
        for (var i = 0; i < 2_000; i++)
        {
            Assert.True(engine.Evaluate("let s = 0; for (let j = 0; j < 100; j++) { s += j; } return s === 4950;", s_pkill));
        }
    }

    [Theory]
    [InlineData("facts.a > 1", null)]
    [InlineData("var x = 1;\nreturn x >;", "line 2")]
    [InlineData("facts.a >", "line 1")]
    [InlineData("let x = 08; return true;", "strict mode")]
    [InlineData("}); globalThis.x = 1; (function () {", "one expression or one function body")]
    [InlineData("with (facts) { return a; }", "line 1")]
    public void SyntaxErrorsSayWhereAsTheAuthorWroteIt(string predicate, string? expected)
    {
        var problem = PredicateEngine.CheckSyntax(predicate);
        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.NotNull(problem);
            Assert.Contains(expected, problem, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(expected, Assert.Throws<PredicateException>(() => new PredicateEngine().Evaluate(predicate, "{}")).Message, StringComparison.OrdinalIgnoreCase);
        }
    }
}
