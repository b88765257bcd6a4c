using System.Diagnostics;
using Autopilot.Core.Decisions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;

namespace Autopilot.Core.Tools;

/// <summary>Which tools each phase may call: the phase's own list plus <c>tools.always</c>; a phase with no list is unrestricted.</summary>
public sealed class ToolGuard
{
    private readonly PolicyEngine _engine;

    public ToolGuard(PolicyEngine engine) => _engine = engine;

    public Decision Check(string phase, string tool)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = _engine.Plan;
        var index = plan.IndexOfPhase(phase);
        if (index < 0)
        {
            return Decision.FailClosed(plan.Document.Transitions.UnknownPhase.Id, $"'{phase}' is not a phase of this policy ({string.Join(", ", plan.Phases)}).", plan.PolicyHash);
        }

        var allowed = plan.PhaseTools[index];
        if (allowed is null || allowed.Any(glob => NameGlob.IsMatch(glob, tool)))
        {
            return new Decision([], plan.PolicyHash, Stopwatch.GetElapsedTime(started));
        }

        var rule = plan.Document.Tools.NotAllowed;
        var message = MessageTemplate.Fill(rule.Message, ("tool", tool), ("phase", phase)) + $" Allowed here: {string.Join(", ", allowed)}.";
        return new Decision([new Finding(rule.Id, rule.Verdict.ToSeverity(), message)], plan.PolicyHash, Stopwatch.GetElapsedTime(started));
    }
}

/// <summary>Matches names (not paths) against a glob where <c>*</c> is any run of characters and <c>?</c> one character.</summary>
public static class NameGlob
{
    public static bool IsMatch(string glob, string name) => Match(glob.AsSpan(), name.AsSpan());

    private static bool Match(ReadOnlySpan<char> glob, ReadOnlySpan<char> name)
    {
        // Iterative wildcard match with one backtrack point: linear for the patterns tools use.
        int g = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (g < glob.Length && (glob[g] == '?' || glob[g] == name[n]))
            {
                g++;
                n++;
            }
            else if (g < glob.Length && glob[g] == '*')
            {
                star = g++;
                mark = n;
            }
            else if (star >= 0)
            {
                g = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (g < glob.Length && glob[g] == '*')
        {
            g++;
        }

        return g == glob.Length;
    }
}
