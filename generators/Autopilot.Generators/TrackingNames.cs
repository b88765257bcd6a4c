namespace Autopilot.Generators;

/// <summary>Names of the pipeline steps, so tests can find them in the driver's run result and prove caching.</summary>
internal static class TrackingNames
{
    /// <summary>Policy files picked out of the AdditionalFiles, with their text.</summary>
    public const string PolicyFiles = nameof(PolicyFiles);

    /// <summary>Each policy file with its generator options (namespace, class name).</summary>
    public const string PolicyInputs = nameof(PolicyInputs);

    /// <summary>Each policy loaded, validated and lowered to a spec plus diagnostics.</summary>
    public const string PolicyResults = nameof(PolicyResults);

    /// <summary>The specs of the policies that compiled: what the emitter reads.</summary>
    public const string PolicySpecs = nameof(PolicySpecs);

    /// <summary>The diagnostics of each policy: reported from their own output.</summary>
    public const string PolicyDiagnostics = nameof(PolicyDiagnostics);

    /// <summary>Every generated type name, collected to find two policies that would generate the same one.</summary>
    public const string GeneratedNames = nameof(GeneratedNames);

    /// <summary>Whether the compilation references Autopilot.Core (a bool, so a C# edit leaves it unchanged).</summary>
    public const string ReferencesCore = nameof(ReferencesCore);
}
