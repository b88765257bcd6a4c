using Autopilot.Core.Shell;

namespace Autopilot.Core.Effects;

/// <summary>
/// Turns an invocation into its effects (docs/effects.md), from a policy's program packs. Two implementations answer
/// identically: <see cref="ProgramPacks"/>, the interpreter over the loaded packs, and the resolver the source generator
/// compiles from the built-in default policy's packs (<c>Compiled.DefaultPolicy.Effects</c>). Thread-safe.
/// </summary>
internal interface IEffectResolver
{
    /// <summary>True when some pack knows <paramref name="program"/>.</summary>
    bool Knows(string program);

    /// <summary>
    /// Adds the effects of <paramref name="inv"/> to <paramref name="effects"/>: those of the variables assigned before
    /// the program, then the program's. False when no pack knows the program (the caller then ignores what was added).
    /// </summary>
    bool Resolve(Invocation inv, List<Effect> effects);
}
