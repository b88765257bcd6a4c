using Autopilot.Policy.Model;

namespace Autopilot.Policy.Diagnostics;

public enum DiagnosticSeverity : byte
{
    Warning = 1,
    Error = 2,
}

/// <summary>A mistake found in a policy file: an <c>AP1xxx</c> id, what is wrong and what was expected, and where.</summary>
/// <remarks>Value equality; the generator reports these as build diagnostics at the same place.</remarks>
public sealed record PolicyDiagnostic(string Id, DiagnosticSeverity Severity, string Message, SourceLocation Location)
{
    public override string ToString() =>
        $"{Location.Path}({Location.Line},{Location.Column}): {(Severity == DiagnosticSeverity.Error ? "error" : "warning")} {Id}: {Message}";
}

/// <summary>
/// The one registry of policy diagnostic ids. Each id keeps its meaning forever; the README lists them,
/// and the generator reports them under the same ids.
/// </summary>
public static class PolicyDiagnosticIds
{
    /// <summary>The file cannot be read, is empty or is larger than the size cap.</summary>
    public const string FileUnreadable = "AP1001";

    /// <summary>The YAML itself is malformed.</summary>
    public const string YamlSyntax = "AP1002";

    /// <summary>A value has the wrong type (a mapping where a list was expected, text where a number was).</summary>
    public const string WrongType = "AP1003";

    /// <summary>A key the policy language does not know (with a "did you mean" when one is close).</summary>
    public const string UnknownKey = "AP1004";

    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "AP1005";

    /// <summary>A value is not one of the allowed words.</summary>
    public const string InvalidValue = "AP1006";

    /// <summary>Two rules (of any kind) share an id.</summary>
    public const string DuplicateId = "AP1101";

    /// <summary>A name refers to a phase, evidence, level or risk that the policy does not define.</summary>
    public const string UnknownReference = "AP1102";

    /// <summary>A phase that no transition path from the first phase reaches.</summary>
    public const string UnreachablePhase = "AP1103";

    /// <summary>A glob or regular expression that does not compile.</summary>
    public const string InvalidPattern = "AP1104";

    /// <summary>A <c>when:</c> predicate that is not valid JavaScript.</summary>
    public const string InvalidPredicate = "AP1105";

    /// <summary>Evidence with no path.</summary>
    public const string EvidenceWithoutPath = "AP1106";

    /// <summary>An autonomy level whose allowed risk is above its escalation limit, and similar contradictions.</summary>
    public const string Contradiction = "AP1107";

    /// <summary>A rule that can never match (for example a risk rule with no matcher).</summary>
    public const string EmptyRule = "AP1108";

    /// <summary>An embedded JSON Schema that is not valid JSON or uses keywords the validator ignores.</summary>
    public const string InvalidSchema = "AP1109";

    /// <summary>A policy names a program pack that is neither built in nor a pack file next to it.</summary>
    public const string UnknownPack = "AP1110";

    /// <summary>Two packs define the same program.</summary>
    public const string PackConflict = "AP1111";

    // Policy lifecycle (docs/policy-lifecycle.md): exceptions and layers.

    /// <summary>An exception expires within seven days, or has expired and no longer applies (a warning).</summary>
    public const string ExceptionExpiring = "AP1120";

    /// <summary>A lower layer (overlay or work order) loosens what a higher one says; names both places.</summary>
    public const string LayerLoosens = "AP1121";

    /// <summary>A layer's content does not match the SHA-256 it is pinned to.</summary>
    public const string LayerHashMismatch = "AP1122";

    /// <summary>A layer cannot be found or read (no such file, folder or package version), or layers form a cycle.</summary>
    public const string LayerUnavailable = "AP1123";
}
