using PolicyDiagnosticIds = Autopilot.Policy.Diagnostics.PolicyDiagnosticIds;
using Microsoft.CodeAnalysis;

namespace Autopilot.Generators;

public sealed partial class PolicyGateGenerator
{
    /// <summary>
    /// The one registry of the diagnostics this generator reports. AP1xxx are the policy language's own ids
    /// (<see cref="PolicyDiagnosticIds"/>; the loader and validator write the messages); AP19xx are the
    /// generator's. Every id is tracked in AnalyzerReleases.*.md.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string PolicyCategory = "Autopilot.Policy";
        private const string GeneratorCategory = "Autopilot.Generator";
        private const string HelpLink = "https://github.com/autopilot-policy/autopilot#policy-diagnostics";

        /// <summary>The generator's own ids, next to the policy language's AP1xxx.</summary>
        public const string CompilerFailureId = "AP1900";
        public const string InvalidOptionId = "AP1903";
        public const string TypeClashId = "AP1904";
        public const string MissingCoreId = "AP1905";

        // Policy diagnostics carry their own message ("{0}"). Their default severity is Error; a policy
        // warning is reported at warning severity (Diagnostic.Create's effectiveSeverity).
        public static readonly DiagnosticDescriptor FileUnreadable = new(PolicyDiagnosticIds.FileUnreadable, "Policy file cannot be read", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor YamlSyntax = new(PolicyDiagnosticIds.YamlSyntax, "Policy YAML syntax error", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor WrongType = new(PolicyDiagnosticIds.WrongType, "Policy value has the wrong type", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor UnknownKey = new(PolicyDiagnosticIds.UnknownKey, "Unknown policy key", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor MissingKey = new(PolicyDiagnosticIds.MissingKey, "Required policy key is missing", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor InvalidValue = new(PolicyDiagnosticIds.InvalidValue, "Policy value is not allowed", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor DuplicateId = new(PolicyDiagnosticIds.DuplicateId, "Duplicate id in policy", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor UnknownReference = new(PolicyDiagnosticIds.UnknownReference, "Policy refers to something it does not define", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor UnreachablePhase = new(PolicyDiagnosticIds.UnreachablePhase, "Phase cannot be reached", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor InvalidPattern = new(PolicyDiagnosticIds.InvalidPattern, "Glob or regular expression does not compile", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor InvalidPredicate = new(PolicyDiagnosticIds.InvalidPredicate, "Predicate is not valid JavaScript", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor EvidenceWithoutPath = new(PolicyDiagnosticIds.EvidenceWithoutPath, "Evidence has no path", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor Contradiction = new(PolicyDiagnosticIds.Contradiction, "Policy contradicts itself", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor EmptyRule = new(PolicyDiagnosticIds.EmptyRule, "Rule can never match", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);
        public static readonly DiagnosticDescriptor InvalidSchema = new(PolicyDiagnosticIds.InvalidSchema, "Embedded JSON Schema is invalid", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor UnknownPack = new(PolicyDiagnosticIds.UnknownPack, "Program pack not found", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor PackConflict = new(PolicyDiagnosticIds.PackConflict, "Two packs define the same program", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor ExceptionExpiring = new(PolicyDiagnosticIds.ExceptionExpiring, "Policy exception expires soon or has expired", "{0}", PolicyCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor LayerLoosens = new(PolicyDiagnosticIds.LayerLoosens, "A policy layer loosens the layer above it", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor LayerHashMismatch = new(PolicyDiagnosticIds.LayerHashMismatch, "A policy layer does not match its pinned hash", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor LayerUnavailable = new(PolicyDiagnosticIds.LayerUnavailable, "A policy layer cannot be read", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        /// <summary>A policy diagnostic id this registry does not know yet (the language grew): reported, never dropped.</summary>
        public static readonly DiagnosticDescriptor OtherPolicyDiagnostic = new(
            "AP1999", "Policy diagnostic", "{0}", PolicyCategory, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor CompilerFailure = new(
            CompilerFailureId,
            "Policy could not be compiled",
            "The policy compiler failed on this file ({0}); no gates were generated",
            GeneratorCategory,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor InvalidOption = new(
            InvalidOptionId,
            "Generator option is not a valid C# name",
            "{0} '{1}' is not a valid C# {2}; set it with {3}",
            GeneratorCategory,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLink);

        public static readonly DiagnosticDescriptor TypeClash = new(
            TypeClashId,
            "Two policies generate the same type",
            "This policy would generate '{0}', which '{1}' already generates; give one of them another AutopilotClassName or AutopilotNamespace",
            GeneratorCategory,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLink);

        /// <summary>
        /// The generated gates implement Autopilot.Core's interfaces: without that reference every generated file would
        /// fail with a score of CS0234/CS0246 errors, so the generator says what is missing once and emits nothing.
        /// </summary>
        public static readonly DiagnosticDescriptor MissingCore = new(
            MissingCoreId,
            "The project does not reference Autopilot.Core",
            "The gates generated from this policy need Autopilot.Core: add <PackageReference Include=\"Autopilot.Core\" /> (or a ProjectReference) to the project; no gates were generated",
            GeneratorCategory,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLink);

        /// <summary>The descriptor for a policy diagnostic id.</summary>
        public static DiagnosticDescriptor ForPolicyId(string id) => id switch
        {
            PolicyDiagnosticIds.FileUnreadable => FileUnreadable,
            PolicyDiagnosticIds.YamlSyntax => YamlSyntax,
            PolicyDiagnosticIds.WrongType => WrongType,
            PolicyDiagnosticIds.UnknownKey => UnknownKey,
            PolicyDiagnosticIds.MissingKey => MissingKey,
            PolicyDiagnosticIds.InvalidValue => InvalidValue,
            PolicyDiagnosticIds.DuplicateId => DuplicateId,
            PolicyDiagnosticIds.UnknownReference => UnknownReference,
            PolicyDiagnosticIds.UnreachablePhase => UnreachablePhase,
            PolicyDiagnosticIds.InvalidPattern => InvalidPattern,
            PolicyDiagnosticIds.InvalidPredicate => InvalidPredicate,
            PolicyDiagnosticIds.EvidenceWithoutPath => EvidenceWithoutPath,
            PolicyDiagnosticIds.Contradiction => Contradiction,
            PolicyDiagnosticIds.EmptyRule => EmptyRule,
            PolicyDiagnosticIds.InvalidSchema => InvalidSchema,
            PolicyDiagnosticIds.UnknownPack => UnknownPack,
            PolicyDiagnosticIds.PackConflict => PackConflict,
            PolicyDiagnosticIds.ExceptionExpiring => ExceptionExpiring,
            PolicyDiagnosticIds.LayerLoosens => LayerLoosens,
            PolicyDiagnosticIds.LayerHashMismatch => LayerHashMismatch,
            PolicyDiagnosticIds.LayerUnavailable => LayerUnavailable,
            CompilerFailureId => CompilerFailure,
            InvalidOptionId => InvalidOption,
            TypeClashId => TypeClash,
            MissingCoreId => MissingCore,
            _ => OtherPolicyDiagnostic,
        };
    }
}
