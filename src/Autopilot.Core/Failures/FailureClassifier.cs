using System.Text.RegularExpressions;
using Autopilot.Core.Policies;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Core.Failures;

/// <summary>How a failure should be handled: retried or not, and which class said so.</summary>
internal sealed record FailureClassification(string? ClassId, bool Retry, int RetriesLeft, string Reason);

/// <summary>
/// Deterministic failures (precondition, disk full, permission, missing tool) are not retried;
/// retryable ones (test failures, malformed output, transient errors) are, up to the policy's cap.
/// A kind given by the caller wins over message patterns.
/// </summary>
internal sealed class FailureClassifier
{
    private readonly FailureSettings _settings;
    private readonly (FailureClassDef Def, Regex[] Patterns)[] _classes;

    public FailureClassifier(PolicyEngine engine)
    {
        _settings = engine.Plan.Failures;
        _classes = _settings.Classes
            .Select(c => (c, c.Patterns.Select(p => PolicyRegex.ForText(p)).ToArray()))
            .ToArray();
    }

    public FailureClassification Classify(string? kind, string message, int retriesSoFar)
    {
        FailureClassDef? match = null;
        if (!string.IsNullOrEmpty(kind))
        {
            match = _classes.FirstOrDefault(c => c.Def.Kinds.Contains(kind, StringComparer.OrdinalIgnoreCase)).Def;
        }

        if (match is null)
        {
            foreach (var (def, patterns) in _classes)
            {
                if (patterns.Any(p => SafeMatch(p, message)))
                {
                    match = def;
                    break;
                }
            }
        }

        var retryable = match?.Retry ?? _settings.RetryUnknown;
        var left = Math.Max(0, _settings.MaxRetries - retriesSoFar);
        var retry = retryable && left > 0;
        var reason = match is null
            ? $"No failure class matches; unknown failures are {(retryable ? "" : "not ")}retried."
            : !retryable ? $"{match.Id}: {match.Message} Not retried."
            : retry ? $"{match.Id}: {match.Message} Retry {retriesSoFar + 1} of {_settings.MaxRetries}."
            : $"{match.Id}: {match.Message} The retry cap ({_settings.MaxRetries}) is reached.";
        return new FailureClassification(match?.Id, retry, retry ? left : 0, reason);
    }

    private static bool SafeMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
