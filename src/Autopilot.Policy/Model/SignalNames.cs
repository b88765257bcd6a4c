using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>
/// The run signals escalation rules may test (the documented facts of a signals record, camelCase as in JSON).
/// The interpreter and the generated typed signals struct both index them in this order.
/// </summary>
public static class SignalNames
{
    public static readonly IReadOnlyList<string> All =
    [
        "consecutiveFailures",      // failures in a row, reset by a success
        "repeatedErrorCount",       // times the most recent error message has repeated
        "confidence",               // the agent's own confidence, 0..1
        "optionCount",              // options the agent is choosing between
        "topOptionScoreGap",        // score difference between the two best options, 0..1
        "budgetUsedFraction",       // share of the run's budget spent, 0..1 (or more when overspent)
        "minutesWithoutProgress",   // minutes since the last phase change or passing check
        "gateRejections",           // gate denials within the recent window
        "highRiskAboveLevel",       // actions attempted above the actor's autonomy level
        "retries",                  // retries of the current step
        "iterations",               // loop iterations of the current step
        "filesChanged",             // files touched so far in the task
    ];

    public static int IndexOf(string name)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
