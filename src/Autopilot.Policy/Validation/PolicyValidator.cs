using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Policy.Validation;

/// <summary>
/// Semantic checks of a loaded document: names that refer to nothing, duplicate ids, unreachable phases,
/// patterns that do not compile, contradictions. Reports all of them, each at the place it was written.
/// </summary>
public static class PolicyValidator
{
    public static IReadOnlyList<PolicyDiagnostic> Validate(PolicyDocument doc, PolicyChecks? checks = null)
    {
        checks ??= PolicyChecks.None;
        var diagnostics = new List<PolicyDiagnostic>();
        var fallback = new SourceLocation(doc.SourcePath, 1, 1);

        void Error(string id, string message, SourceLocation? at) =>
            diagnostics.Add(new PolicyDiagnostic(id, DiagnosticSeverity.Error, message, at ?? fallback));

        // Pattern checks only ever find errors: a text that passed them before (PolicyChecks.AlreadyChecked) skips them.
        void Globs(IEnumerable<string> globs, SourceLocation? at)
        {
            if (checks.CheckPatterns)
            {
                CheckGlobs(globs, at, Error);
            }
        }

        void Regexes(string pattern, PolicyRegexKind kind, SourceLocation? at)
        {
            if (checks.CheckPatterns)
            {
                CheckRegex(pattern, kind, at, Error);
            }
        }

        void Warn(string id, string message, SourceLocation? at) =>
            diagnostics.Add(new PolicyDiagnostic(id, DiagnosticSeverity.Warning, message, at ?? fallback));

        // Risk level names.
        var riskLevels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var level in doc.RiskLevels)
        {
            if (!riskLevels.Add(level))
            {
                Error(PolicyDiagnosticIds.DuplicateId, $"Risk level '{level}' is listed twice.", fallback);
            }
        }

        void CheckRisk(Located<string> risk, string what)
        {
            if (!riskLevels.Contains(risk.Value))
            {
                Error(PolicyDiagnosticIds.UnknownReference, $"{what} '{risk.Value}' is not a risk level ({string.Join(", ", doc.RiskLevels)}).{Hint(risk.Value, doc.RiskLevels)}", risk.Location);
            }
        }

        // Phases.
        var phaseIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < doc.Phases.Count; i++)
        {
            var phase = doc.Phases[i];
            if (phase.Id.Length == 0)
            {
                continue;
            }

            if (phaseIds.ContainsKey(phase.Id))
            {
                Error(PolicyDiagnosticIds.DuplicateId, $"Phase '{phase.Id}' is defined twice.", phase.Location);
            }
            else
            {
                phaseIds[phase.Id] = i;
            }
        }

        if (doc.Phases.Count > 64)
        {
            Error(PolicyDiagnosticIds.InvalidValue, $"A policy may define at most 64 phases; this one defines {doc.Phases.Count}.", doc.Phases[64].Location);
        }

        // Evidence.
        var evidenceIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in doc.Evidence.Items)
        {
            if (item.Id.Length > 0 && !evidenceIds.Add(item.Id))
            {
                Error(PolicyDiagnosticIds.DuplicateId, $"Evidence '{item.Id}' is defined twice.", item.Location);
            }

            if (string.IsNullOrWhiteSpace(item.Path))
            {
                Error(PolicyDiagnosticIds.EvidenceWithoutPath, $"Evidence '{item.Id}' has no path: say which file the phase must leave.", item.Location);
            }
            else if (item.Path.StartsWith("/", StringComparison.Ordinal) || item.Path.Split('/', '\\').Contains(".."))
            {
                Error(PolicyDiagnosticIds.InvalidValue, $"Evidence '{item.Id}' path '{item.Path}' must stay inside the phase's evidence folder (no absolute path, no '..').", item.Location);
            }

            if (item.When is { } when)
            {
                CheckPredicate(when, checks, Error);
            }

            if (item.Schema is { } schema && checks.JsonSchema?.Invoke(schema) is { } schemaError)
            {
                Error(PolicyDiagnosticIds.InvalidSchema, $"Evidence '{item.Id}' schema: {schemaError}", item.Location);
            }

            if (item.Check is { Kind: "rubric-threshold", Threshold: <= 0 } check)
            {
                Error(PolicyDiagnosticIds.InvalidValue, $"Evidence '{item.Id}': a rubric-threshold check needs a 'threshold' above 0.", check.Location);
            }
        }

        // Evidence and escalation rules are bit sets of 64 in the plan and in generated gates.
        if (doc.Evidence.Items.Count > 64)
        {
            Error(PolicyDiagnosticIds.InvalidValue, $"A policy may define at most 64 kinds of evidence; this one defines {doc.Evidence.Items.Count}.", doc.Evidence.Items[64].Location);
        }

        if (doc.Escalation.Count > 64)
        {
            Error(PolicyDiagnosticIds.InvalidValue, $"A policy may define at most 64 escalation rules; this one defines {doc.Escalation.Count}.", doc.Escalation[64].Location);
        }

        foreach (var phase in doc.Phases)
        {
            foreach (var evidence in phase.Evidence)
            {
                if (!evidenceIds.Contains(evidence.Value))
                {
                    Error(PolicyDiagnosticIds.UnknownReference, $"Phase '{phase.Id}' needs evidence '{evidence.Value}', which 'evidence.items' does not define.{Hint(evidence.Value, evidenceIds)}", evidence.Location);
                }
            }

            foreach (var tool in checks.CheckPatterns ? phase.Tools ?? [] : [])
            {
                if (Glob.Validate(tool.Value, GlobKind.Name) is { } globError)
                {
                    Error(PolicyDiagnosticIds.InvalidPattern, $"Tool glob '{tool.Value}': {globError}.", tool.Location);
                }
            }
        }

        // Transitions: edges name phases; every phase is reachable from the first.
        foreach (var edge in doc.Transitions.Edges)
        {
            foreach (var end in new[] { edge.From, edge.To })
            {
                if (!phaseIds.ContainsKey(end))
                {
                    Error(PolicyDiagnosticIds.UnknownReference, $"Transition edge names '{end}', which is not a phase.{Hint(end, phaseIds.Keys)}", edge.Location);
                }
            }
        }

        if (doc.Phases.Count > 0)
        {
            var reachable = Reachable(doc, phaseIds);
            for (var i = 0; i < doc.Phases.Count; i++)
            {
                if (!reachable[i] && doc.Phases[i].Id.Length > 0)
                {
                    Error(PolicyDiagnosticIds.UnreachablePhase, $"Phase '{doc.Phases[i].Id}' cannot be reached from '{doc.Phases[0].Id}': no transition leads to it.", doc.Phases[i].Location);
                }
            }
        }

        // Autonomy.
        var levelIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var level in doc.Autonomy.Levels)
        {
            if (level.Id.Length > 0 && !levelIds.Add(level.Id))
            {
                Error(PolicyDiagnosticIds.DuplicateId, $"Autonomy level '{level.Id}' is defined twice.", level.Location);
            }

            CheckRisk(level.AllowUpTo, "allowUpTo");
            if (!ReferenceEquals(level.EscalateUpTo, level.AllowUpTo))
            {
                // escalateUpTo defaults to allowUpTo: one mistake, one report.
                CheckRisk(level.EscalateUpTo, "escalateUpTo");
            }
            var allow = IndexOf(doc.RiskLevels, level.AllowUpTo.Value);
            var escalate = IndexOf(doc.RiskLevels, level.EscalateUpTo.Value);
            if (allow >= 0 && escalate >= 0 && escalate < allow)
            {
                Error(PolicyDiagnosticIds.Contradiction, $"Autonomy level '{level.Id}' allows '{level.AllowUpTo.Value}' alone but escalates only up to '{level.EscalateUpTo.Value}'.", level.EscalateUpTo.Location);
            }
        }

        if (doc.Autonomy.Levels.Count > 0 && !levelIds.Contains(doc.Autonomy.Default))
        {
            Error(PolicyDiagnosticIds.UnknownReference, $"autonomy.default '{doc.Autonomy.Default}' is not a level.{Hint(doc.Autonomy.Default, levelIds)}", fallback);
        }

        foreach (var (name, what) in new[] { (doc.Actions.DefaultRisk, "actions.defaultRisk"), (doc.Actions.UnlistedRisk, "actions.unlistedRisk"), (doc.Actions.UnknownRisk, "actions.unknownRisk"),
            (doc.Actions.OutsideWorkspaceRisk, "actions.outsideWorkspaceRisk"), (doc.Actions.OutsideWorkspaceReadRisk, "actions.outsideWorkspaceReadRisk"), (doc.Actions.ProtectedPathRisk, "actions.protectedPathRisk") })
        {
            CheckRisk(new Located<string>(name, null), what);
        }

        // The classifier parses these lists with the same glob: a glob lint lets through must not fail at run time.
        foreach (var list in new[] { doc.Actions.ProtectedPaths, doc.Actions.SecretPaths, doc.Actions.TempPaths, doc.Actions.WorkspaceExtraPaths })
        {
            Globs(list, fallback);
        }

        Globs(doc.Tools.Always, fallback);

        // Rule ids are unique across every list of rules: a finding's id names exactly one rule.
        var ruleIds = new Dictionary<string, SourceLocation?>(StringComparer.Ordinal);
        void CheckRuleId(string id, SourceLocation? at, string what)
        {
            if (id.Length == 0)
            {
                return;
            }

            if (ruleIds.TryGetValue(id, out var first))
            {
                Error(PolicyDiagnosticIds.DuplicateId, $"Rule id '{id}' ({what}) is already used{(first is null ? "" : $" at line {first.Line}")}.", at);
            }
            else
            {
                ruleIds[id] = at;
            }
        }

        foreach (var risk in doc.Risks)
        {
            CheckRuleId(risk.Id, risk.Location, "risk rule");
            CheckRisk(risk.Risk, "risk");
            if (risk.Command is null && risk.Path is null && risk.Tool is null && risk.Effect is null && risk.When is null)
            {
                Error(PolicyDiagnosticIds.EmptyRule, $"Risk rule '{risk.Id}' has no 'command', 'path', 'tool', 'effect' or 'when': it can never match.", risk.Location);
            }

            if (risk.Command is { } command)
            {
                CommandMatchChecks.Check(command, risk.Location, Error, checks.CheckPatterns);
            }

            CommandMatchChecks.CheckMessage(risk, Warn);

            if (risk.Path is { } path)
            {
                Globs(path.Globs, risk.Location);
            }

            if (risk.Tool is { } tool)
            {
                Globs(tool.Names, risk.Location);
            }

            if (risk.When is { } when)
            {
                CheckPredicate(when, checks, Error);
            }
        }

        foreach (var rule in doc.Escalation)
        {
            CheckRuleId(rule.Id, rule.Location, "escalation rule");
            if (rule.When is { } when)
            {
                CheckPredicate(when, checks, Error);
            }
        }

        foreach (var failure in doc.Failures.Classes)
        {
            CheckRuleId(failure.Id, failure.Location, "failure class");
            foreach (var pattern in failure.Patterns)
            {
                Regexes(pattern, PolicyRegexKind.Text, failure.Location);
            }
        }

        foreach (var rule in doc.Diff)
        {
            CheckRuleId(rule.Id, rule.Location, "diff rule");
            Globs(rule.Paths, rule.Location);
            Globs(rule.ExcludePaths, rule.Location);
            Globs(rule.SourcePaths, rule.Location);
            Globs(rule.TestPaths, rule.Location);
            if (rule.Kind == "secrets")
            {
                foreach (var pattern in rule.Patterns)
                {
                    Regexes(pattern, PolicyRegexKind.Text, rule.Location);
                }
            }

            if (rule.Kind is "max-files" or "max-lines" && rule.Max is null && rule.MaxPerFile is null)
            {
                Error(PolicyDiagnosticIds.MissingKey, $"Diff rule '{rule.Id}' ({rule.Kind}) needs 'max' or 'maxPerFile'.", rule.Location);
            }

            if (rule.Kind is "protected-paths" or "rollback-note" or "schema" && rule.Paths.Count == 0)
            {
                Error(PolicyDiagnosticIds.MissingKey, $"Diff rule '{rule.Id}' ({rule.Kind}) needs 'paths'.", rule.Location);
            }

            if (rule.Level is { } ruleLevel && doc.Autonomy.Levels.Count > 0 && !levelIds.Contains(ruleLevel))
            {
                Error(PolicyDiagnosticIds.UnknownReference, $"Diff rule '{rule.Id}' ({rule.Kind}) names the level '{ruleLevel}', which is not an autonomy level.{Hint(ruleLevel, levelIds)}", rule.Location);
            }
        }

        CheckExceptions(doc, checks, CheckRuleId, Error, Warn);
        return diagnostics;
    }

    /// <summary>How long before its expiry <c>policy lint</c> starts warning about an exception.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(7);

    /// <summary>
    /// Exceptions name a risk rule of the policy, have well-formed scopes, and (when the checks carry a clock, as lint's
    /// do) are warned about from seven days before they expire, and after.
    /// </summary>
    private static void CheckExceptions(PolicyDocument doc, PolicyChecks checks, Action<string, SourceLocation?, string> checkRuleId,
        Action<string, string, SourceLocation?> error, Action<string, string, SourceLocation?> warn)
    {
        var riskIds = new HashSet<string>(doc.Risks.Select(r => r.Id), StringComparer.Ordinal);
        foreach (var exception in doc.Exceptions)
        {
            checkRuleId(exception.Id, exception.Location, "exception");
            var rule = exception.Rule;
            if (rule.Value.Length > 0 && !riskIds.Contains(rule.Value))
            {
                error(PolicyDiagnosticIds.UnknownReference, $"Exception '{exception.Id}' names rule '{rule.Value}', which is not a risk rule of this policy.{Hint(rule.Value, riskIds)}", rule.Location);
            }

            foreach (var glob in checks.CheckPatterns ? exception.Paths.Concat(exception.Tools) : [])
            {
                if (Glob.Validate(glob.Value) is { } problem)
                {
                    error(PolicyDiagnosticIds.InvalidPattern, $"Glob '{glob.Value}': {problem}.", glob.Location);
                }
            }

            foreach (var pattern in checks.CheckPatterns ? exception.Commands : [])
            {
                if (ArgumentPattern.Validate(pattern.Value) is { } problem)
                {
                    error(PolicyDiagnosticIds.InvalidPattern, $"Command pattern '{pattern.Value}': {problem}.", pattern.Location);
                }
            }

            if (checks.Clock is { } clock && exception.Expires != DateTime.MaxValue)
            {
                var now = clock();
                var day = exception.Expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                if (!exception.AppliesAt(now))
                {
                    warn(PolicyDiagnosticIds.ExceptionExpiring, $"Exception '{exception.Id}' (owner {exception.Owner}) expired on {day} and no longer applies; remove it or renew it.", exception.ExpiresLocation ?? exception.Location);
                }
                else if (exception.Expires - now.UtcDateTime <= ExpiryWarning)
                {
                    var days = (int)Math.Ceiling((exception.Expires - now.UtcDateTime).TotalDays);
                    warn(PolicyDiagnosticIds.ExceptionExpiring, $"Exception '{exception.Id}' (owner {exception.Owner}) expires on {day}, in {days} day(s).", exception.ExpiresLocation ?? exception.Location);
                }
            }
        }
    }

    private static bool[] Reachable(PolicyDocument doc, Dictionary<string, int> phaseIds)
    {
        var count = doc.Phases.Count;
        var next = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            next[i] = [];
            if (doc.Transitions.Mode == "sequential" && i + 1 < count)
            {
                next[i].Add(i + 1);
            }
        }

        foreach (var edge in doc.Transitions.Edges)
        {
            if (phaseIds.TryGetValue(edge.From, out var from) && phaseIds.TryGetValue(edge.To, out var to))
            {
                next[from].Add(to);
            }
        }

        var seen = new bool[count];
        var stack = new Stack<int>();
        stack.Push(0);
        seen[0] = true;
        while (stack.Count > 0)
        {
            foreach (var n in next[stack.Pop()])
            {
                if (!seen[n])
                {
                    seen[n] = true;
                    stack.Push(n);
                }
            }
        }

        return seen;
    }

    internal static void CheckGlobs(IEnumerable<string> globs, SourceLocation? at, Action<string, string, SourceLocation?> error)
    {
        foreach (var glob in globs)
        {
            if (Glob.Validate(glob) is { } problem)
            {
                error(PolicyDiagnosticIds.InvalidPattern, $"Glob '{glob}': {problem}.", at);
            }
        }
    }

    /// <summary>Compiles the pattern exactly as the runtime will (<see cref="PolicyRegex"/>), so lint and run time agree.</summary>
    internal static void CheckRegex(string pattern, PolicyRegexKind kind, SourceLocation? at, Action<string, string, SourceLocation?> error)
    {
        if (PolicyRegex.Problem(pattern, kind) is { } problem)
        {
            error(PolicyDiagnosticIds.InvalidPattern, $"Regular expression '{pattern}' does not compile: {problem}", at);
        }
    }

    private static void CheckPredicate(Located<string> when, PolicyChecks checks, Action<string, string, SourceLocation?> error)
    {
        if (checks.Predicate?.Invoke(when.Value) is { } problem)
        {
            error(PolicyDiagnosticIds.InvalidPredicate, $"'when' predicate is not valid JavaScript: {problem}", when.Location);
        }
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Hint(string word, IEnumerable<string> known) =>
        Loading.DidYouMean.Closest(word, known) is { } close ? $" Did you mean '{close}'?" : "";
}
