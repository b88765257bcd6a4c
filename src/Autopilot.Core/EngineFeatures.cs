using System.Diagnostics.CodeAnalysis;
using Autopilot.Core.Policies;

namespace Autopilot.Core;

/// <summary>
/// Capabilities a build of the engine may leave out. The managed CLI has them all; the native front
/// (src/Autopilot.Native, docs/native.md) turns them off at build time, so that the ahead-of-time compiler drops the
/// reflection-heavy engines behind them (Jint for <c>when:</c> predicates, NJsonSchema for JSON Schemas). A call that
/// needs one raises <see cref="PolicyHandOffException"/>, and the front hands the call to the managed CLI.
/// </summary>
internal static class EngineFeatures
{
    public const string ScriptingSwitch = "Autopilot.Core.Scripting";
    public const string JsonSchemasSwitch = "Autopilot.Core.JsonSchemas";

    /// <summary>JavaScript <c>when:</c> predicates (Jint).</summary>
    [FeatureSwitchDefinition(ScriptingSwitch)]
    public static bool Scripting => !AppContext.TryGetSwitch(ScriptingSwitch, out var on) || on;

    /// <summary>JSON Schema validation of evidence and inline schemas (NJsonSchema).</summary>
    [FeatureSwitchDefinition(JsonSchemasSwitch)]
    public static bool JsonSchemas => !AppContext.TryGetSwitch(JsonSchemasSwitch, out var on) || on;

    internal static PolicyHandOffException Missing(string what) => new($"{what} are not built into this program");
}
