using Jint;
using Jint.Native;
using Jint.Parser;
using Jint.Runtime;

namespace Autopilot.Core.Predicates;

/// <summary>
/// Runs a policy's <c>when:</c> predicates: JavaScript (ES5, Jint 2.10.4) over documented facts.
/// A predicate is an expression (<c>facts.signals.retries &gt; 2</c>) or a function body with <c>return</c>.
/// Limits (statements, time, recursion) are reset before every call, so a predicate that never ends
/// or throws fails closed with its rule id instead of hanging or crashing the engine.
/// </summary>
public sealed class PredicateEngine
{
    public const int MaxStatements = 100_000;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private readonly Engine _engine;
    private readonly Dictionary<string, JsValue> _functions = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public PredicateEngine()
    {
        _engine = new Engine(o => o.Strict().TimeoutInterval(Timeout).MaxStatements(MaxStatements).LimitRecursion(64));
    }

    /// <summary>Null when the predicate parses; otherwise the parser's message with the predicate's line and column.</summary>
    public static string? CheckSyntax(string predicate)
    {
        try
        {
            new JavaScriptParser().Parse(Wrap(predicate, "__check"));
            return null;
        }
        catch (ParserException ex)
        {
            // Line 1 of the wrapper is the function header; report lines as the author wrote them.
            return $"{ex.Description} (line {Math.Max(1, ex.LineNumber - 1)}, column {ex.Column})";
        }
    }

    /// <summary>Evaluates <paramref name="predicate"/> with <paramref name="factsJson"/> (a JSON object) bound to <c>facts</c>.</summary>
    /// <exception cref="PredicateException">The predicate does not parse, throws, runs too long or does not return a boolean.</exception>
    public bool Evaluate(string predicate, string factsJson)
    {
        lock (_gate)
        {
            try
            {
                if (!_functions.TryGetValue(predicate, out var function))
                {
                    var name = "__p" + _functions.Count;
                    _engine.Execute(Wrap(predicate, name));
                    function = _engine.GetValue(name);
                    _functions[predicate] = function;
                }

                _engine.ResetTimeoutTicks();
                _engine.ResetStatementsCount();
                _engine.ResetCallStack();
                var facts = new Jint.Native.Json.JsonParser(_engine).Parse(factsJson);
                var result = function.Invoke(facts);
                if (!result.IsBoolean())
                {
                    throw new PredicateException($"the predicate returned {result.Type}, not true or false");
                }

                return result.AsBoolean();
            }
            catch (PredicateException)
            {
                throw;
            }
            catch (ParserException ex)
            {
                throw new PredicateException($"{ex.Description} (line {Math.Max(1, ex.LineNumber - 1)}, column {ex.Column})", ex);
            }
            catch (JavaScriptException ex)
            {
                var what = string.IsNullOrEmpty(ex.Message) ? ex.Error.ToString() : ex.Message;
                throw new PredicateException($"the predicate threw {what} at line {Math.Max(1, ex.LineNumber - 1)}", ex);
            }
            catch (TimeoutException ex)
            {
                throw new PredicateException($"the predicate ran longer than {Timeout.TotalSeconds:0.#} s", ex);
            }
            catch (StatementsCountOverflowException ex)
            {
                throw new PredicateException($"the predicate ran more than {MaxStatements} statements", ex);
            }
            catch (RecursionDepthOverflowException ex)
            {
                throw new PredicateException("the predicate recursed too deeply", ex);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NullReferenceException or InvalidCastException or StackOverflowException)
            {
                throw new PredicateException($"the predicate failed: {ex.Message}", ex);
            }
        }
    }

    private static string Wrap(string predicate, string name)
    {
        // A body that returns is used as is; anything else is an expression.
        var isBody = System.Text.RegularExpressions.Regex.IsMatch(predicate, @"\breturn\b");
        return isBody
            ? $"function {name}(facts) {{\n{predicate}\n}}"
            : $"function {name}(facts) {{ return (\n{predicate}\n);\n}}";
    }
}

public sealed class PredicateException : Exception
{
    public PredicateException(string message)
        : base(message)
    {
    }

    public PredicateException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
