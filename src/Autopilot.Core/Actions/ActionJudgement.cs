using Autopilot.Core.Decisions;

namespace Autopilot.Core.Actions;

/// <summary>
/// What the engine made of a classified action for one actor: the classification once the rules' <c>when:</c>
/// predicates are applied (so an explanation names only rules that held) and the decision.
/// </summary>
public sealed record ActionJudgement(ActionClassification Classification, Decision Decision);
