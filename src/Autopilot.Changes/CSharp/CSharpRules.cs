using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Turns a <see cref="CSharpChangeReport"/> and the policy's C# diff rules into findings. Kinds:
/// <list type="bullet">
/// <item><c>public-api</c>: each breaking public API change is a finding at the rule's severity; each
/// addition is an <see cref="Severity.Info"/> finding (the API grew; a reviewer may want to know). The rule's id
/// stands for the surface as PublicAPI files record it (signatures, accessibility, nullable annotations,
/// <c>[Experimental]</c>, type forwards); a change of only the contract attributes those files cannot record
/// (<c>[Obsolete]</c>, <c>[EditorBrowsable]</c>, <c>[Requires...]</c>, ...) is reported as <see cref="AttributeRuleId"/>, at the
/// same severity (info, or the rule's when callers' builds break).</item>
/// <item><c>banned-api</c>: <see cref="DiffRuleDef.Patterns"/> are banned ids (<c>T:System.Console;use ILogger</c>);
/// each new use is a finding.</item>
/// <item><c>symbol-scope</c>: a change to a type or member that <see cref="DiffRuleDef.Symbols"/> (or, when the
/// rule gives none, the work order's symbol globs) does not cover is a finding.</item>
/// <item><c>contract-types</c>: types matched by <see cref="DiffRuleDef.Patterns"/> (<c>[DataContract]</c> or
/// <c>@DataContract</c> for an attribute, otherwise a type or namespace glob such as <c>MyApp.Contracts.*</c>)
/// must not lose or change members that others rely on.</item>
/// </list>
/// <see cref="DiffRuleDef.Paths"/> and <see cref="DiffRuleDef.ExcludePaths"/> narrow any of them to some files.
/// A changed file that does not parse is always a <see cref="ParseErrorRuleId"/> deny: the analysis is incomplete.
/// </summary>
internal static class CSharpRules
{
    public const string ParseErrorRuleId = RuleIds.CSharpParse;

    /// <summary>Info: public declarations changed in a project that does not ship, so the public-api rule did not judge them.</summary>
    public const string NotShippedRuleId = RuleIds.CSharpNotShipped;

    /// <summary>A public-api finding about contract attributes only, which PublicAPI files do not record (<see cref="MemberChange.AttributeOnly"/>).</summary>
    internal const string AttributeRuleId = RuleIds.PublicApiAttribute;

    public const string PublicApi = "public-api";
    public const string BannedApi = "banned-api";
    public const string SymbolScope = "symbol-scope";
    public const string ContractTypes = "contract-types";

    /// <summary>Whether the policy has any rule this class evaluates (if not, callers can skip Roslyn entirely).</summary>
    public static bool AppliesTo(IEnumerable<DiffRuleDef> rules) =>
        rules.Any(r => r.Kind is PublicApi or BannedApi or SymbolScope or ContractTypes);

    /// <summary>The banned entries of all <c>banned-api</c> rules, for <see cref="CSharpChangeAnalyzer"/>. Unreadable entries are skipped here and reported by <see cref="Evaluate"/>.</summary>
    public static IReadOnlyList<BannedApiEntry> BannedEntries(IEnumerable<DiffRuleDef> rules) =>
        rules.Where(r => r.Kind == BannedApi)
            .SelectMany(r => r.Patterns)
            .Select(p => BannedApiEntry.Parse(p, out _))
            .OfType<BannedApiEntry>()
            .Distinct()
            .ToList();

    /// <summary>Analyses the files with the rules' banned APIs and evaluates the rules: the one call a gate needs.</summary>
    public static IReadOnlyList<Finding> Analyze(
        IEnumerable<CSharpFileChange> files,
        IReadOnlyList<DiffRuleDef> rules,
        IReadOnlyList<string>? workOrderSymbols = null,
        CancellationToken cancellationToken = default)
    {
        var report = new CSharpChangeAnalyzer(BannedEntries(rules)).Analyze(files, cancellationToken);
        return Evaluate(report, rules, workOrderSymbols);
    }

    public static IReadOnlyList<Finding> Evaluate(CSharpChangeReport report, IEnumerable<DiffRuleDef> rules, IReadOnlyList<string>? workOrderSymbols = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var findings = new List<Finding>();
        foreach (var error in report.ParseErrors)
        {
            // Old text that did not parse only makes the comparison less exact; new text that does not parse is unknown code.
            findings.Add(new Finding(
                ParseErrorRuleId,
                error.InOldText ? Severity.Warning : Severity.Deny,
                error.InOldText
                    ? $"The previous version of {error.Location.Path} did not parse ({error.Id}: {error.Message}); its comparison is approximate."
                    : $"{error.Location.Path} does not parse ({error.Id}: {error.Message}); the change cannot be analysed and is not allowed.",
                error.Location));
        }

        foreach (var rule in rules)
        {
            switch (rule.Kind)
            {
                case PublicApi:
                    EvaluatePublicApi(report, rule, findings);
                    break;
                case BannedApi:
                    EvaluateBannedApi(report, rule, findings);
                    break;
                case SymbolScope:
                    EvaluateSymbolScope(report, rule, workOrderSymbols, findings);
                    break;
                case ContractTypes:
                    EvaluateContractTypes(report, rule, findings);
                    break;
            }
        }

        return findings;
    }

    private static bool InScope(DiffRuleDef rule, string path) =>
        (rule.Paths.Count == 0 || PathGlob.IsMatchAny(rule.Paths, path)) && !PathGlob.IsMatchAny(rule.ExcludePaths, path);

    private static void EvaluatePublicApi(CSharpChangeReport report, DiffRuleDef rule, List<Finding> findings)
    {
        // A change of nullable context alone (a #nullable directive) changes every signature's annotations in the file:
        // one finding per file says so, not one per member.
        var nullableOnly = new Dictionary<string, List<MemberChange>>(StringComparer.Ordinal);
        var notShipped = new Dictionary<string, List<MemberChange>>(StringComparer.Ordinal);
        foreach (var change in report.Members.Where(m => m.IsPublicApi && InScope(rule, m.Path)))
        {
            // The project decides whether its API ships, unless the rule names the path itself.
            if (!change.Ships && !(rule.Paths.Count > 0 && PathGlob.IsMatchAny(rule.Paths, change.Path)))
            {
                (notShipped.TryGetValue(change.Project, out var skipped) ? skipped : notShipped[change.Project] = []).Add(change);
                continue;
            }

            var where = change.Frameworks.Count > 0 ? $" ({string.Join(", ", change.Frameworks)})" : "";
            if (change.AttributeOnly)
            {
                findings.Add(change.IsBreaking
                    ? new Finding(AttributeRuleId, rule.Severity, Format(rule, $"Breaking public API change: {change.Key} gained an attribute that stops existing callers from building{where}.", change.Key, "gained an attribute that stops existing callers from building"), change.Location)
                    : new Finding(AttributeRuleId, Severity.Info, $"Public API attributes changed (ones PublicAPI files do not record): {change.Key}{where}.", change.Location));
            }
            else if (change.IsBreaking)
            {
                var what = change.Kind switch
                {
                    MemberChangeKind.Removed => "removed",
                    MemberChangeKind.Added => "added as a member implementers must provide",
                    _ when change.ContractChanged && !change.DeclarationChanged => "gained an attribute that stops existing callers from building",
                    _ => change.SignatureChanged ? "changed its signature" : "is no longer public",
                };
                findings.Add(new Finding(rule.Id, rule.Severity, Format(rule, $"Breaking public API change: {change.Key} {what}{where}.", change.Key, what), change.Location));
            }
            else if (change.Kind == MemberChangeKind.Changed && change.NullableChanged && !change.ContractChanged && !change.DeclarationChanged)
            {
                (nullableOnly.TryGetValue(change.Path, out var list) ? list : nullableOnly[change.Path] = []).Add(change);
            }
            else if (change.Kind == MemberChangeKind.Added || (change.Kind == MemberChangeKind.Changed && change.SignatureChanged))
            {
                var what = change.Kind == MemberChangeKind.Added ? "added" : change.ContractChanged ? "changed its contract attributes" : "changed compatibly";
                findings.Add(new Finding(rule.Id, Severity.Info, $"Public API {what}: {change.Key}{where}.", change.Location));
            }
        }

        foreach (var (project, changes) in notShipped)
        {
            findings.Add(new Finding(
                NotShippedRuleId,
                Severity.Info,
                $"{changes.Count} public declaration(s) of {(project.Length == 0 ? "files outside any project" : project)} changed (e.g. {changes[0].Key}); not judged as public API: the project does not ship ({changes[0].ShipsBecause}).",
                changes[0].Location));
        }

        foreach (var (path, changes) in nullableOnly)
        {
            findings.Add(new Finding(
                rule.Id,
                Severity.Info,
                $"Public API nullable annotations changed: the nullable context of {changes.Count} public declaration(s) in {path} changed (a #nullable directive), e.g. {changes[0].Key}.",
                changes[0].Location));
        }
    }

    private static void EvaluateBannedApi(CSharpChangeReport report, DiffRuleDef rule, List<Finding> findings)
    {
        var entries = new Dictionary<string, BannedApiEntry>(StringComparer.Ordinal);
        foreach (var pattern in rule.Patterns)
        {
            var entry = BannedApiEntry.Parse(pattern, out var error);
            if (entry is not null)
            {
                entries.TryAdd(entry.Id, entry);
            }
            else if (error is not null)
            {
                // A ban the gate cannot read must not pass silently.
                findings.Add(new Finding(rule.Id, Severity.Deny, $"Banned-API rule '{rule.Id}' has an entry that cannot be read: {error}", rule.Location));
            }
        }

        foreach (var use in report.BannedApiUses.Where(u => entries.ContainsKey(u.Entry) && InScope(rule, u.Location.Path)))
        {
            var entry = entries[use.Entry];
            var reason = entry.Message is null ? "" : $": {entry.Message}";
            findings.Add(new Finding(rule.Id, rule.Severity, Format(rule, $"New use of banned API {entry.Id} ('{use.Text}' in {use.Member}){reason}.", use.Text, entry.Id), use.Location));
        }
    }

    private static void EvaluateSymbolScope(CSharpChangeReport report, DiffRuleDef rule, IReadOnlyList<string>? workOrderSymbols, List<Finding> findings)
    {
        var globs = rule.Symbols.Count > 0 ? rule.Symbols : workOrderSymbols ?? [];
        if (globs.Count == 0)
        {
            return; // nothing limits the symbols: the path scope rules still apply
        }

        foreach (var change in report.Members.Where(m => InScope(rule, m.Path)))
        {
            if (!SymbolGlob.Covers(globs, change.Key, change.ContainingType))
            {
                var what = change.Kind.ToString().ToLowerInvariant();
                findings.Add(new Finding(
                    rule.Id,
                    rule.Severity,
                    Format(rule, $"{change.Key} was {what}, outside the symbols this work may touch ({string.Join(", ", globs)}).", change.Key, what),
                    change.Location));
            }
        }
    }

    private static void EvaluateContractTypes(CSharpChangeReport report, DiffRuleDef rule, List<Finding> findings)
    {
        var attributes = new List<string>();
        var globs = new List<string>();
        foreach (var pattern in rule.Patterns.Select(p => p.Trim()))
        {
            if (pattern.StartsWith('[') && pattern.EndsWith(']'))
            {
                attributes.Add(AttributeName(pattern[1..^1]));
            }
            else if (pattern.StartsWith('@'))
            {
                attributes.Add(AttributeName(pattern[1..]));
            }
            else if (pattern.Length > 0)
            {
                globs.Add(pattern);
            }
        }

        foreach (var change in report.Members.Where(m => InScope(rule, m.Path)))
        {
            var typeKey = change.Declaration is DeclarationKind.Type or DeclarationKind.Delegate ? change.Key : change.ContainingType;
            if (typeKey is null)
            {
                continue;
            }

            var isContract = change.TypeAttributes.Any(a => attributes.Contains(a, StringComparer.Ordinal))
                || SymbolGlob.Covers(globs, typeKey, null)
                || globs.Any(g => !g.Contains('*') && (typeKey.StartsWith(g + ".", StringComparison.Ordinal) || change.Namespace == g));

            // What others rely on: members that are public API or carry serialization attributes ([DataMember], [JsonPropertyName]).
            var reliedOn = change.IsPublicApi || change.Attributes.Count > 0 || change.Declaration == DeclarationKind.Type;
            var breaking = change.Kind == MemberChangeKind.Removed || (change.Kind == MemberChangeKind.Changed && (change.SignatureChanged || change.IsBreaking));
            if (isContract && reliedOn && breaking)
            {
                var what = change.Kind == MemberChangeKind.Removed ? "removed" : "changed";
                findings.Add(new Finding(
                    rule.Id,
                    rule.Severity,
                    Format(rule, $"Contract type {typeKey}: {change.Key} {what}; contracts change only by addition.", change.Key, what),
                    change.Location));
            }
        }
    }

    private static string AttributeName(string text)
    {
        var name = text.Trim();
        var dot = name.LastIndexOf('.');
        name = dot >= 0 ? name[(dot + 1)..] : name;
        return name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > 9 ? name[..^9] : name;
    }

    // A rule's own message wins; {symbol} and {what} are filled in.
    private static string Format(DiffRuleDef rule, string fallback, string symbol, string what) =>
        string.IsNullOrWhiteSpace(rule.Message)
            ? fallback
            : MessageTemplate.Fill(rule.Message, ("symbol", symbol), ("what", what)) + " (" + fallback.TrimEnd('.') + ")";
}
