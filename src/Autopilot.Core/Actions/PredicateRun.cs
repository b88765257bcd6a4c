using System.Diagnostics;
using Autopilot.Core.Predicates;

namespace Autopilot.Core.Actions;

/// <summary>
/// The <c>when:</c> predicates of one action, run match by match. A command of many invocations must not hold
/// the hook for a time-out each: a predicate that hit a limit is not run again for this action, and once the
/// predicates together have run for <see cref="Budget"/> the rest are not run. Either way the match is kept with
/// the reason (fail closed).
/// </summary>
internal sealed class PredicateRun(PredicateEngine engine)
{
    /// <summary>How long the predicates of one action may run together.</summary>
    public static readonly TimeSpan Budget = 2 * PredicateEngine.Timeout;

    private readonly long _started = Stopwatch.GetTimestamp();
    private Dictionary<string, string>? _stopped;

    /// <returns>
    /// <paramref name="match"/> itself when the predicate holds; null when it is false; a copy with
    /// <see cref="ActionMatch.PredicateFailure"/> when it cannot answer.
    /// </returns>
    public ActionMatch? Judge(string predicate, ActionMatch match, PredicateFacts facts)
    {
        if (_stopped is not null && _stopped.TryGetValue(predicate, out var earlier))
        {
            return match with { PredicateFailure = $"not run again after it failed on this action ({earlier})" };
        }

        if (Stopwatch.GetElapsedTime(_started) > Budget)
        {
            return match with { PredicateFailure = $"not run: the predicates of this action already ran for {Budget.TotalSeconds:0.#} s" };
        }

        try
        {
            return engine.Evaluate(predicate, facts) ? match : null;
        }
        catch (PredicateException ex)
        {
            if (ex.IsLimit)
            {
                (_stopped ??= new(StringComparer.Ordinal))[predicate] = ex.Message;
            }

            return match with { PredicateFailure = ex.Message };
        }
    }
}
