using System.Reflection;
using Autopilot.Core.Predicates;
using Autopilot.Core.Schemas;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;
using Autopilot.Policy.Validation;

namespace Autopilot.Core.Policies;

/// <summary>Where a policy came from, and what loading it produced.</summary>
public sealed record LoadedPolicy(string Origin, PolicyEngine? Engine, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool Succeeded => Engine is not null;
}

/// <summary>
/// Finds and compiles the policy to use: an explicit file; else <c>.autopilot/policy.yaml</c> in the
/// repository; else the single <c>policies/*.policy.yaml</c> there; else the built-in default.
/// </summary>
public static class PolicySource
{
    public const string BuiltInName = "builtin:default.policy.yaml";

    /// <summary>The checks lint runs that need engines beyond the policy assembly: JavaScript syntax and JSON Schema loading.</summary>
    public static readonly PolicyChecks RuntimeChecks = new()
    {
        Predicate = PredicateEngine.CheckSyntax,
        JsonSchema = CheckSchema,
    };

    /// <summary>Lint's checks: the runtime's, and a clock, so that exceptions expiring within seven days are warned about.</summary>
    public static readonly PolicyChecks LintChecks = new()
    {
        Predicate = RuntimeChecks.Predicate,
        JsonSchema = RuntimeChecks.JsonSchema,
        Clock = () => DateTimeOffset.UtcNow,
    };

    public static string BuiltInDefaultText()
    {
        using var stream = typeof(PolicySource).Assembly.GetManifestResourceStream("Autopilot.Core.default.policy.yaml")
            ?? throw new InvalidOperationException("The built-in default policy is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The policy file a command should use, or null for the built-in default.</summary>
    /// <exception cref="InvalidOperationException">Several policies/*.policy.yaml and none chosen.</exception>
    public static string? Resolve(string? explicitPath, string repositoryRoot)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        var local = Path.Combine(repositoryRoot, ".autopilot", "policy.yaml");
        if (File.Exists(local))
        {
            return local;
        }

        var folder = Path.Combine(repositoryRoot, "policies");
        if (Directory.Exists(folder))
        {
            var found = Directory.GetFiles(folder, "*.policy.yaml");
            if (found.Length == 1)
            {
                return found[0];
            }

            if (found.Length > 1)
            {
                throw new InvalidOperationException($"{found.Length} policies in {folder}; choose one with --policy.");
            }
        }

        return null;
    }

    /// <summary>Loads and compiles a policy; <paramref name="lint"/> always runs every check, even for the built-in default.</summary>
    /// <param name="path">The policy file, or null for the built-in default.</param>
    /// <param name="lint">Run every check and read every text (no cache).</param>
    /// <param name="cacheDirectory">
    /// Where parsed policy and pack texts are kept between calls (<see cref="PolicyCache"/>, usually
    /// <c>.autopilot/cache</c>); null parses every time.
    /// </param>
    public static LoadedPolicy Load(string? path, bool lint = false, string? cacheDirectory = null)
    {
        var cache = lint || cacheDirectory is null ? null : new PolicyCache(cacheDirectory);
        var previous = YamlEventCache.Current;
        YamlEventCache.Current = cache;
        try
        {
            // The built-in default is compiled in by the source generator: its YAML events (no text is scanned, nothing
            // is hashed: the generator recorded the hash of the same text), its gates and its packs' resolver. Its tests
            // lint it with every check, so it is not validated again here. Lint reads and checks the text itself.
            var builtIn = path is null && !lint;
            var loaded = builtIn ? LoadBuiltInEvents()
                : path is null ? PolicyLoader.LoadText(BuiltInDefaultText(), BuiltInName) : PolicyLayers.LoadFile(path);

            // A policy replayed from the cache passed every check when it was stored (only clean loads are stored).
            var cached = loaded.Document is { } document && cache is not null && cache.WasHit(document.Hash);
            var checks = builtIn ? PolicyChecks.CompiledIn : cached ? PolicyChecks.AlreadyChecked : lint ? LintChecks : RuntimeChecks;
            // Any policy that names exactly the built-in packs the generator compiled (the default's, by their hashes,
            // compared without hashing) runs on that compiled resolver: their YAML is not read at all. Lint reads every text.
            var result = lint ? PlanBuilder.Compile(loaded, checks)
                : PlanBuilder.Compile(loaded, checks, Compiled.DefaultPolicy.PacksHash, Compiled.DefaultPolicy.PacksManifest);
            if (result.Plan is not null)
            {
                cache?.Commit();
            }

            return new LoadedPolicy(path ?? BuiltInName, result.Plan is null ? null : EngineFor(result.Plan), result.Diagnostics);
        }
        finally
        {
            YamlEventCache.Current = previous;
        }
    }

    /// <summary>The built-in default from the YAML events the generator compiled in, with the hash of the text it recorded them from.</summary>
    internal static PolicyLoadResult LoadBuiltInEvents() =>
        PolicyLoader.LoadEvents(Compiled.DefaultPolicy.PolicyEvents.ToArray(), BuiltInName, Compiled.DefaultPolicy.Hash);

    /// <summary>The cache folder of a repository's state: <c>.autopilot/cache</c>.</summary>
    public static string CacheDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".autopilot", "cache");

    /// <summary>
    /// The built-in default policy runs on the gates and the effect resolver the source generator compiled into this
    /// assembly; any other policy (or a default that differs from what was compiled, which the hashes tell: the
    /// policy's, and its packs') runs on the interpreter, except that a policy naming exactly the default's built-in
    /// packs, unchanged, uses their compiled resolver.
    /// </summary>
    public static PolicyEngine EngineFor(PolicyPlan plan)
    {
        // The packs live in Autopilot.Policy: packs that changed since this assembly was built are interpreted.
        var effects = plan.PacksHash == Compiled.DefaultPolicy.PacksHash && plan.Packs.Count == 0 ? Compiled.DefaultPolicy.Effects : null;
        if (plan.PolicyHash != Compiled.DefaultPolicy.Hash)
        {
            // A team's policy on the default's built-in packs: its own gates interpreted, the packs' compiled resolver.
            return new PolicyEngine(plan) { Effects = effects };
        }

        return new PolicyEngine(plan, Compiled.DefaultPolicy.Transitions, Compiled.DefaultPolicy.Autonomy, Compiled.DefaultPolicy.Escalation)
        {
            IsCompiled = true,
            Effects = effects,
        };
    }

    private static string? CheckSchema(string schemaJson)
    {
        if (!EngineFeatures.JsonSchemas)
        {
            throw EngineFeatures.Missing("JSON Schemas");
        }

        if (!JsonSchemaValidator.TryFromText(schemaJson, out var validator, out var error))
        {
            return error!.Message;
        }

        // NJsonSchema ignores some keywords silently; a policy relying on them would pass what it means to refuse.
        return validator!.UnsupportedKeywords.Count == 0 ? null
            : $"uses keywords the validator does not enforce: {string.Join(", ", validator.UnsupportedKeywords.Select(k => k.ToString()))}";
    }
}
