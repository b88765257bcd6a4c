namespace Autopilot.Core.Policies;

/// <summary>
/// Raised by a build of the engine that leaves a capability out (the native front, docs/native.md: no JavaScript
/// predicates, no JSON Schema engine) when a policy needs it. The front catches it and hands the whole call to the
/// managed CLI, which has every capability; it is never a decision.
/// </summary>
internal sealed class PolicyHandOffException(string reason) : Exception(reason)
{
}
