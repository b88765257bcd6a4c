using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Json;
using Jint.Runtime;

namespace Autopilot.Core.Predicates;

/// <summary>
/// Runs a policy's <c>when:</c> predicates: modern JavaScript (Jint 4: arrow functions, <c>?.</c>, <c>??</c>,
/// <c>includes</c>, <c>const</c>/<c>let</c>) in strict mode, over documented facts. A predicate is an expression
/// (<c>facts.signals.retries &gt; 2</c>) or a function body with <c>return</c>.
/// </summary>
/// <remarks>
/// Every call runs under limits that Jint resets at the start of the call: <see cref="MaxStatements"/>
/// statements, <see cref="Timeout"/> (regular expressions included), <see cref="MaxRecursion"/> nested calls
/// and <see cref="MaxMemoryBytes"/> allocated. Scripts see no CLR type and cannot compile strings
/// (<c>eval</c>, <c>Function('...')</c>). A predicate that does not parse, throws, hits a limit or returns
/// something other than a boolean raises <see cref="PredicateException"/>: the caller fails closed with the
/// rule's id. A limit leaves the JavaScript engine in a state nobody should trust, so it is replaced.
/// Each predicate is parsed once per process (the prepared script is shared) and turned into a function
/// once per engine; the Jint engine itself is made on first use, so a policy without predicates pays nothing.
/// Thread-safe: calls are serialised.
/// </remarks>
internal sealed class PredicateEngine
{
    public const int MaxStatements = 100_000;
    public const int MaxRecursion = 64;
    public const long MaxMemoryBytes = 32L * 1024 * 1024;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private const int MaxPreparedScripts = 1024;

    // Prepared scripts are immutable and may run on any engine: parse each predicate once per process.
    private static readonly ConcurrentDictionary<string, Prepared<Script>> s_prepared = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    // Made on first use, like the engine: a policy without predicates never loads Jint.
    private Dictionary<string, Function>? _functions;
    private Engine? _engine;

    /// <summary>Null when the predicate parses; otherwise the parser's message with the predicate's line and column.</summary>
    public static string? CheckSyntax(string predicate) =>
        EngineFeatures.Scripting ? PredicateSource.Wrap(predicate).Error : throw EngineFeatures.Missing("JavaScript predicates");

    /// <summary>Evaluates <paramref name="predicate"/> with <paramref name="factsJson"/> (a JSON object) bound to <c>facts</c>.</summary>
    /// <exception cref="PredicateException">The predicate does not parse, throws, hits a limit or does not return a boolean.</exception>
    public bool Evaluate(string predicate, string factsJson)
    {
        ArgumentNullException.ThrowIfNull(factsJson);
        return Run(predicate, factsJson, null);
    }

    /// <summary>Evaluates <paramref name="predicate"/> with <paramref name="facts"/> bound to <c>facts</c>.</summary>
    /// <exception cref="PredicateException">The predicate does not parse, throws, hits a limit or does not return a boolean.</exception>
    public bool Evaluate(string predicate, PredicateFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return Run(predicate, null, facts);
    }

    private bool Run(string predicate, string? factsJson, PredicateFacts? facts)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        if (!EngineFeatures.Scripting)
        {
            throw EngineFeatures.Missing("JavaScript predicates");
        }

        lock (_gate)
        {
            try
            {
                var engine = _engine ??= CreateEngine();
                var function = FunctionFor(engine, predicate);
                JsValue argument = facts is not null ? ToJs(engine, facts) : new JsonParser(engine).Parse(factsJson!);
                var result = engine.Call(function, argument);
                if (!result.IsBoolean())
                {
                    throw new PredicateException($"the predicate returned {Describe(result)}, not true or false");
                }

                return result.AsBoolean();
            }
            catch (PredicateException)
            {
                throw;
            }
            catch (JavaScriptException ex)
            {
                // An ordinary throw (or facts that are not JSON): the engine is fine, the answer is not.
                var line = ex.Location.Start.Line;
                throw new PredicateException(line > 1 ? $"the predicate threw {ex.Message} at line {line - 1}" : $"the predicate threw {ex.Message}", ex);
            }
            catch (Exception ex)
            {
                Discard();
                throw ex switch
                {
                    TimeoutException or RegexMatchTimeoutException => new PredicateException($"the predicate ran longer than {Timeout.TotalSeconds:0.###} s", ex, isLimit: true),
                    StatementsCountOverflowException => new PredicateException($"the predicate ran more than {MaxStatements} statements", ex, isLimit: true),
                    RecursionDepthOverflowException => new PredicateException($"the predicate nested calls deeper than {MaxRecursion}", ex, isLimit: true),
                    MemoryLimitExceededException => new PredicateException($"the predicate allocated more than {MaxMemoryBytes / (1024 * 1024)} MiB", ex, isLimit: true),
                    InsufficientExecutionStackException => new PredicateException("the predicate nested too deeply for the stack", ex, isLimit: true),
                    _ => new PredicateException($"the predicate failed: {ex.GetType().Name}: {ex.Message}", ex),
                };
            }
        }
    }

    private Function FunctionFor(Engine engine, string predicate)
    {
        _functions ??= new Dictionary<string, Function>(StringComparer.Ordinal);
        if (_functions.TryGetValue(predicate, out var function))
        {
            return function;
        }

        if (!s_prepared.TryGetValue(predicate, out var prepared))
        {
            var wrapped = PredicateSource.Wrap(predicate);
            if (wrapped.Error is { } error)
            {
                throw new PredicateException(error);
            }

            prepared = Engine.PrepareScript(wrapped.Code!, strict: true);
            if (s_prepared.Count < MaxPreparedScripts)
            {
                s_prepared.TryAdd(predicate, prepared);
            }
        }

        function = engine.Evaluate(prepared) as Function
            ?? throw new PredicateException("the predicate did not compile to a function");
        _functions[predicate] = function;
        return function;
    }

    private static Engine CreateEngine() => new(options =>
    {
        options.Strict();
        options.TimeoutInterval(Timeout);
        options.MaxStatements(MaxStatements);
        options.LimitRecursion(MaxRecursion);
        options.LimitMemory(MaxMemoryBytes);
        options.DisableStringCompilation();
        options.Constraints.RegexTimeout = Timeout;
        options.Interop.Enabled = false;
    });

    /// <summary>Drops the engine and what was made in it; the next call starts from a fresh one.</summary>
    private void Discard()
    {
        _engine = null;
        _functions = null;
    }

    private static JsObject ToJs(Engine engine, PredicateFacts facts)
    {
        var obj = new JsObject(engine);
        foreach (var (name, value) in facts.Values)
        {
            obj.FastSetDataProperty(name, value switch
            {
                string s => new JsString(s),
                IReadOnlyList<string> list => ToJs(engine, list),
                _ => JsValue.Null,
            });
        }

        return obj;
    }

    private static JsArray ToJs(Engine engine, IReadOnlyList<string> list)
    {
        var items = new JsValue[list.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new JsString(list[i]);
        }

        return new JsArray(engine, items);
    }

    private static string Describe(JsValue value) => value.Type switch
    {
        Types.Undefined => "undefined",
        Types.Null => "null",
        Types.String => "a string",
        Types.Number => "a number",
        Types.Object => "an object",
        var other => other.ToString().ToLowerInvariant(),
    };
}

/// <summary>A predicate could not give an answer; the caller fails closed.</summary>
internal sealed class PredicateException : Exception
{
    public PredicateException(string message)
        : base(message)
    {
    }

    public PredicateException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PredicateException(string message, Exception inner, bool isLimit)
        : base(message, inner)
    {
        IsLimit = isLimit;
    }

    /// <summary>
    /// True when the predicate hit a limit (time, statements, recursion, memory): running it again over other
    /// facts is likely to cost the same, so a caller judging many invocations may stop running it.
    /// </summary>
    public bool IsLimit { get; }
}
