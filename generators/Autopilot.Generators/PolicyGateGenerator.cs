using Autopilot.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Autopilot.Generators;

/// <summary>
/// Compiles every <c>*.policy.yaml</c> among a project's AdditionalFiles into typed gates (enums for
/// phases, evidence, levels, risks and rule ids; a transition table; autonomy and escalation checks) that
/// implement the same gate interfaces as the interpreter, and reports the policy's mistakes as build
/// diagnostics located in the YAML. The policy language itself (loader, validator, plan) is
/// Autopilot.Policy, the same assembly the runtime uses.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class PolicyGateGenerator : IIncrementalGenerator
{
    /// <summary>AdditionalFiles whose name ends with this are policies.</summary>
    public const string PolicyFileSuffix = ".policy.yaml";

    /// <summary>A type of Autopilot.Core that every generated gate implements.</summary>
    private const string CoreMarkerType = "Autopilot.Core.Gates.ITransitionGate";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. The policy files among the AdditionalFiles.
        var files = context.AdditionalTextsProvider
            .Where(static file => IsPolicyFile(file.Path))
            .WithTrackingName(TrackingNames.PolicyFiles);

        // 2. Each with its text and options, as a value: from here on nothing refers to Roslyn objects.
        var inputs = files
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => ReadInput(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.PolicyInputs);

        // 3. Load, validate and lower each policy (Autopilot.Policy's PlanBuilder), once per distinct input.
        var results = inputs
            .Select(static (input, cancellationToken) => Parse(input, cancellationToken))
            .WithTrackingName(TrackingNames.PolicyResults);

        // 4. Diagnostics go out on their own, so a policy that only moved a comment re-reports without re-emitting.
        var diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.PolicyDiagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, found) => Report(output, found));

        // 5. Policies that compiled; two of them must not generate the same type.
        var specs = results
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.PolicySpecs);
        var clashes = specs
            .Select(static (spec, _) => new GeneratedName(spec.Namespace, spec.ClassName, spec.SourcePath))
            .Collect()
            .Select(static (names, _) => FindClashes(names))
            .WithTrackingName(TrackingNames.GeneratedNames);
        context.RegisterSourceOutput(clashes, static (output, found) => Report(output, found.Diagnostics));

        // 6. The generated code implements Autopilot.Core's interfaces: without the reference, one AP1905 instead of
        //    a page of CS0234 errors. A bool, so editing C# leaves everything downstream cached.
        var referencesCore = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(CoreMarkerType) is not null)
            .WithTrackingName(TrackingNames.ReferencesCore);

        // 7. One source file per policy.
        context.RegisterSourceOutput(specs.Combine(clashes).Combine(referencesCore), static (output, pair) => Emit(output, pair.Left.Left, pair.Left.Right, pair.Right));
    }
}
