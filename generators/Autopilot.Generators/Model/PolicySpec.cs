using Autopilot.Policy.Model;
using Autopilot.Policy.Plan;

namespace Autopilot.Generators.Model;

// The pipeline's models. Each is a sealed record of strings, numbers, enums and EquatableArray, so
// equality is structural: two parses of the same policy text with the same options are equal, and the
// driver skips emission. None holds a Compilation, ISymbol, SyntaxNode, Location or SourceText.

/// <summary>One policy file and the options that apply to it, as read from the AdditionalFiles and analyzer config.</summary>
/// <remarks>Equality: path, full text and options.</remarks>
internal sealed record PolicyInput(string Path, string Text, string Namespace, string? ClassName, bool EffectResolver = false);

/// <summary>What parsing one policy produced: a spec to emit (none when the policy has errors) and its diagnostics.</summary>
internal sealed record PolicyParseResult(PolicySpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// A diagnostic located in a policy file: Roslyn's 0-based lines and columns, offsets into the text, and the
/// arguments of its descriptor's message (for a policy diagnostic, the one message the loader or validator wrote).
/// </summary>
internal sealed record DiagnosticInfo(
    string Id,
    bool IsWarning,
    EquatableArray<string> MessageArgs,
    string Path,
    int Start,
    int Length,
    int StartLine,
    int StartColumn,
    int EndLine,
    int EndColumn);

/// <summary>Everything the emitter needs for one policy, already lowered to indices by <see cref="PlanBuilder"/>.</summary>
internal sealed record PolicySpec
{
    public string Namespace { get; init; } = "";
    public string ClassName { get; init; } = "";

    /// <summary>The policy file's path: identifies the policy in diagnostics (never written into generated code).</summary>
    public string SourcePath { get; init; } = "";

    /// <summary>File name only (no folders), so generated text does not depend on where the repository lives.</summary>
    public string FileName { get; init; } = "";
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string Description { get; init; } = "";
    public string Hash { get; init; } = "";
    public EquatableArray<NamedSpec> Phases { get; init; }
    public EquatableArray<NamedSpec> Evidence { get; init; }
    public EquatableArray<NamedSpec> RiskLevels { get; init; }
    public EquatableArray<AutonomyLevelSpec> AutonomyLevels { get; init; }

    /// <summary>Index of autonomy.default, or -1 when the policy defines no levels.</summary>
    public int DefaultAutonomyLevel { get; init; } = -1;
    public EquatableArray<NamedSpec> RuleIds { get; init; }
    public TransitionSpec Transitions { get; init; } = new(Verdict.Deny, Verdict.Allow, Verdict.Deny, Verdict.Allow, Verdict.Deny, default);
    public EquatableArray<EscalationSpec> Escalation { get; init; }

    /// <summary>The policy's packs for the effect resolver; null unless the project asks for one (AutopilotEffectResolver).</summary>
    public EffectResolverSpec? Effects { get; init; }

    /// <summary>
    /// The policy text's YAML events in Autopilot.Policy's binary form, base64 (equatable as a string), for the engine to
    /// load the policy without scanning its text; null unless the project asks for the engine parts (AutopilotEffectResolver).
    /// </summary>
    public string? Events { get; init; }
}

/// <summary>A named thing of the policy (phase, evidence, risk level, rule) and the C# identifier chosen for it.</summary>
internal sealed record NamedSpec(string Id, string Identifier, string Description);

/// <summary>The verdict for each kind of move, and per phase the forward edges out of it and the evidence needed to leave.</summary>
internal sealed record TransitionSpec(
    Verdict Skip,
    Verdict Backtrack,
    Verdict MissingEvidence,
    Verdict Same,
    Verdict Unknown,
    EquatableArray<PhaseTransitionSpec> Phases);

/// <summary>Forward targets of one phase (the plan's <see cref="TransitionKind.Forward"/> cells of its row) and its evidence mask.</summary>
internal sealed record PhaseTransitionSpec(EquatableArray<int> ForwardTargets, ulong RequiredEvidence);

/// <summary>An autonomy level: risk indices up to <see cref="AllowUpTo"/> alone, up to <see cref="EscalateUpTo"/> with a human (-1: none).</summary>
internal sealed record AutonomyLevelSpec(string Id, string Identifier, string Description, int AllowUpTo, int EscalateUpTo);

/// <summary>An escalation rule, its bit in the gate's result (-1 past the 64th rule) and its lowered condition (null: <c>when:</c> only).</summary>
internal sealed record EscalationSpec(string Id, string Identifier, string Message, Severity Severity, int Bit, ConditionSpec? Condition);

/// <summary>A lowered condition: a comparison of signal <see cref="Signal"/> with <see cref="Value"/>, or All/Any of children.</summary>
internal sealed record ConditionSpec(ConditionOp Op, int Signal, double Value, EquatableArray<ConditionSpec> Children);

/// <summary>The type one policy generates, for the check that no two policies generate the same one.</summary>
internal sealed record GeneratedName(string Namespace, string ClassName, string SourcePath);

/// <summary>Policies that would generate a type another policy already generates: their paths, and why.</summary>
internal sealed record NameClashes(EquatableArray<string> Paths, EquatableArray<DiagnosticInfo> Diagnostics);
