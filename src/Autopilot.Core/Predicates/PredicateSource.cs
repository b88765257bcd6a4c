using Acornima;
using Acornima.Ast;

namespace Autopilot.Core.Predicates;

/// <summary>
/// Turns a <c>when:</c> predicate as written into the function Jint runs. A predicate is either one
/// expression (<c>facts.args.every(a =&gt; a !== 'bash')</c>) or a function body that returns
/// (<c>const ok = ['node']; return ok.includes(facts.args[0]);</c>). Both become
/// <c>(function (facts) { ... })</c> in strict mode; the author's text starts on line 2 of it.
/// </summary>
/// <remarks>
/// The form is decided from the syntax tree, not from the text: a lone expression statement is an
/// expression (its value is returned), anything else is a body. Text that closes the function early to
/// add code around it is refused.
/// </remarks>
internal static class PredicateSource
{
    /// <summary>The code to run, or null with the reason the predicate is not valid JavaScript.</summary>
    public readonly record struct Wrapped(string? Code, string? Error);

    public static Wrapped Wrap(string predicate)
    {
        var body = "(function (facts) {\n" + predicate + "\n})";
        Script script;
        try
        {
            script = new Parser().ParseScript(body, strict: true);
        }
        catch (ParseErrorException ex)
        {
            return new Wrapped(null, Describe(ex.Description, ex.LineNumber, ex.Column, predicate));
        }
        catch (InsufficientExecutionStackException)
        {
            return new Wrapped(null, "the predicate is nested too deeply to parse");
        }

        if (script.Body is not [ExpressionStatement { Expression: FunctionExpression function }])
        {
            return new Wrapped(null, "the predicate must be one expression or one function body (it closes the function it is run in)");
        }

        var isExpression = function.Body.Body is [ExpressionStatement statement] && statement is not Directive;
        return new Wrapped(isExpression ? "(function (facts) { return (\n" + predicate + "\n);\n})" : body, null);
    }

    /// <summary>A message with the line and column as the author wrote them (line 1 of the wrapper is its header).</summary>
    public static string Describe(string description, int wrappedLine, int zeroBasedColumn, string predicate)
    {
        var lines = 1 + predicate.AsSpan().Count('\n');
        var line = Math.Clamp(wrappedLine - 1, 1, lines);
        return $"{description} (line {line}, column {zeroBasedColumn + 1})";
    }
}
