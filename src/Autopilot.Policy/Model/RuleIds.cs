using System;
using System.Collections.Generic;

namespace Autopilot.Policy.Model;

/// <summary>One of the engine's built-in rule ids, with what it means and what to do about it.</summary>
#if AUTOPILOT_MSBUILD_TASK
internal
#else
public
#endif
sealed class RuleIdInfo
{
    public RuleIdInfo(string id, string description, string help)
    {
        Id = id;
        Description = description;
        Help = help;
    }

    public string Id { get; }

    /// <summary>One line: what the finding says happened.</summary>
    public string Description { get; }

    /// <summary>What a user does about it.</summary>
    public string Help { get; }
}

/// <summary>
/// The registry of the engine's built-in rule ids (<c>AP-…</c> findings that no policy rule wrote): every one is a
/// constant here with a description and help text (<see cref="All"/>), used everywhere instead of a string literal;
/// a test fails on an <c>"AP-</c> literal anywhere else in src/. Not in this registry, on purpose: ids a policy's
/// YAML gives its own rules (<c>AP-RISK-RM-ROOT</c>, <c>AP-DIFF-PROTECTED</c>: the policy holds their message), and
/// the diagnostic ids of the validator and the generator (<c>AP1xxx</c>, <c>AP19xx</c>), which name problems in a
/// policy file rather than findings about an action and live in <c>PolicyDiagnosticIds</c>. Generated gates spell
/// the ids as literals on purpose: they are the plan's values (a policy may rename an outcome's id), frozen into the
/// consumer's assembly at build time, and the snapshot tests pin them.
/// </summary>
/// <remarks>
/// The MSBuild task compiles this same file, internal there (it loads nothing of the engine), so its log codes come from here too.
/// </remarks>
#if AUTOPILOT_MSBUILD_TASK
internal
#else
public
#endif
static class RuleIds
{
    // Phase transitions
    public const string PhaseSkip = "AP-PHASE-SKIP";
    public const string PhaseBacktrack = "AP-PHASE-BACKTRACK";
    public const string PhaseUnknown = "AP-PHASE-UNKNOWN";
    public const string PhaseSame = "AP-PHASE-SAME";
    public const string EvidenceMissing = "AP-EVIDENCE-MISSING";
    public const string EvidenceInvalid = "AP-EVIDENCE-INVALID";
    public const string TaskId = "AP-TASK-ID";
    public const string TaskStart = "AP-TASK-START";
    public const string TaskClose = "AP-TASK-CLOSE";
    public const string LeaseRequired = "AP-LEASE-REQUIRED";
    public const string WorkOrderEvidence = "AP-WORKORDER-EVIDENCE";
    public const string WorkOrder = "AP-WORKORDER";

    // Autonomy
    /// <summary>The prefix the autonomy findings share (for grouping them in explanations).</summary>
    public const string AutonomyFamily = "AP-AUTONOMY";
    public const string AutonomyEscalate = "AP-AUTONOMY-ESCALATE";
    public const string AutonomyDeny = "AP-AUTONOMY-DENY";
    public const string AutonomyUnknown = "AP-AUTONOMY-UNKNOWN";

    // Actions: commands, paths, tools
    public const string ShellParse = "AP-SHELL-PARSE";
    public const string ShellDynamic = "AP-SHELL-DYNAMIC";
    public const string ActionUnlisted = "AP-ACTION-UNLISTED";
    public const string ActionDeniedFlag = "AP-ACTION-DENIED-FLAG";
    public const string PathOutsideWorkspace = "AP-PATH-OUTSIDE-WORKSPACE";
    public const string PathEscape = "AP-PATH-ESCAPE";
    public const string PathWorkspaceRoot = "AP-PATH-WORKSPACE-ROOT";
    public const string PathSymlinkEscape = "AP-PATH-SYMLINK-ESCAPE";
    public const string PathProtected = "AP-PATH-PROTECTED";
    public const string PathInvalid = "AP-PATH-INVALID";
    public const string ToolInvalid = "AP-TOOL-INVALID";
    public const string ToolPhase = "AP-TOOL-PHASE";
    public const string Approval = "AP-APPROVAL";
    public const string HookInput = "AP-HOOK-INPUT";
    public const string Hook = "AP-HOOK";

    // Escalation and attestation
    public const string AttestDrift = "AP-ATTEST-DRIFT";
    public const string AttestInput = "AP-ATTEST-INPUT";
    public const string InputSignals = "AP-INPUT-SIGNALS";

    // The change gate
    public const string GateUnevaluated = "AP-GATE-UNEVALUATED";
    public const string GateOwnState = "AP-GATE-OWN-STATE";
    public const string GateInput = "AP-GATE-INPUT";
    public const string WorkOrderInvalid = "AP-WORKORDER-INVALID";
    public const string CSharpParse = "AP-CSHARP-PARSE";
    public const string CSharpNotShipped = "AP-CSHARP-NOT-SHIPPED";
    public const string PublicApiAttribute = "AP-DIFF-API-ATTRIBUTE";
    public const string CSharpSemantic = "AP-CSHARP-SEMANTIC";
    public const string CSharpNoContent = "AP-CSHARP-NO-CONTENT";
    public const string CSharpTooLarge = "AP-CSHARP-TOO-LARGE";
    public const string SchemaTooLarge = "AP-SCHEMA-TOO-LARGE";

    // The MSBuild task
    public const string GateRepo = "AP-GATE-REPO";
    public const string GateOutput = "AP-GATE-OUTPUT";
    public const string GateTool = "AP-GATE-TOOL";
    public const string GateDeny = "AP-GATE-DENY";
    public const string GateEscalate = "AP-GATE-ESCALATE";
    public const string GateVerdictUnknown = "AP-GATE-VERDICT";

    // State and replay
    public const string State = "AP-STATE";
    public const string ReplayError = "AP-REPLAY-ERROR";

    /// <summary>Every built-in id with its description and help, in the order above.</summary>
    public static IReadOnlyList<RuleIdInfo> All { get; } =
    [
        new(PhaseSkip, "The transition skips phases.", "Move one phase at a time, or add a transition for this jump to the policy."),
        new(PhaseBacktrack, "The task moved back to an earlier phase.", "Nothing to do: backtracking is allowed and recorded."),
        new(PhaseUnknown, "The phase is not a phase of this policy.", "Use one of the policy's phases (autopilot policy explain lists them)."),
        new(PhaseSame, "The task is already in that phase.", "Nothing to do."),
        new(EvidenceMissing, "Leaving the phase needs evidence that is not there.", "Write the evidence file the phase names, then try again."),
        new(EvidenceInvalid, "The phase's evidence does not pass its checks.", "Fix the evidence file so it matches its schema and checks."),
        new(TaskId, "The task id is not a plain name.", "Use letters, digits, '.', '_' and '-' only."),
        new(TaskStart, "The task's first transition was recorded.", "Nothing to do."),
        new(TaskClose, "The task was closed.", "Nothing to do."),
        new(LeaseRequired, "Recording a transition needs the task's lease.", "Acquire the task's lease (autopilot lease acquire) and retry with it."),
        new(WorkOrderEvidence, "The task's work order requires evidence to leave the phase (docs/work-orders.md).", "Write the evidence the work order names, or, if it no longer applies, apply a corrected work order."),
        new(WorkOrder, "The task's recorded work-order constraints cannot be read.", "Fix or re-apply the work order (autopilot workorder apply FILE); nothing is allowed until then."),
        new(AutonomyEscalate, "The action's risk is above what the autonomy level may do alone.", "Ask a human to approve it, or take a lower-risk route."),
        new(AutonomyDeny, "The action's risk is far above what the autonomy level may do.", "Do not do it; a human has to do this."),
        new(AutonomyUnknown, "The autonomy level is not one of this policy's.", "Use one of the policy's autonomy levels."),
        new(ShellParse, "The command could not be understood.", "Write the command plainly (no unbalanced quotes, no control characters)."),
        new(ShellDynamic, "The program to run is only known at run time.", "Name the program literally instead of through a variable or substitution."),
        new(ActionUnlisted, "The program is not on the policy's allowlist.", "Use an allowed program, or add it to actions.allowlist."),
        new(ActionDeniedFlag, "The command uses a flag the allowlist denies.", "Drop the flag, or ask a human."),
        new(PathOutsideWorkspace, "The action touches a path outside the workspace.", "Work inside the repository, or list the place in actions.workspaceExtraPaths."),
        new(PathEscape, "The path climbs out of the workspace with '..'.", "Use a path inside the workspace."),
        new(PathWorkspaceRoot, "The action deletes the whole workspace.", "Delete what you mean inside it instead."),
        new(PathSymlinkEscape, "The path follows a symlink out of the workspace.", "Use the real path, inside the workspace."),
        new(PathProtected, "The action changes a protected path.", "Leave it, or ask a human (protected paths: actions.protectedPaths and the protected-paths diff rule; globs per docs/globs.md)."),
        new(PathInvalid, "The path is not a usable path.", "Give a plain path without control characters."),
        new(ToolInvalid, "The tool name is not a valid name.", "Use the tool's real name."),
        new(ToolPhase, "The tool is not allowed in this phase.", "Use a tool the phase lists, or move to a phase that allows it."),
        new(Approval, "A human's approval was used for this action.", "Nothing to do: the approval is recorded in the ledger."),
        new(HookInput, "The hook's input could not be read.", "Check the agent's hook configuration (autopilot hook --self-test)."),
        new(Hook, "The hook's decision, as replayed.", "Nothing to do."),
        new(AttestDrift, "The attested files changed since they were attested.", "Attest again after review, or revert the change."),
        new(AttestInput, "The attestation request is not usable.", "Give --file or --subject name=sha256 (and --reason for an update)."),
        new(InputSignals, "The escalation signals could not be read.", "Give the signals as the JSON documented in docs/agents.md, with the task."),
        new(GateUnevaluated, "A diff rule could not be evaluated, so the change is not allowed.", "Fix the rule named in the message, or give the gate the input it needs."),
        new(GateOwnState, "A change to Autopilot's own state was left out of the judgement.", "Nothing to do: .autopilot/ state and caches are Autopilot's."),
        new(GateInput, "The change could not be read.", "Check the revisions, the diff file or the repository path."),
        new(WorkOrderInvalid, "The work order is not valid.", "Fix the work order at the place the message names."),
        new(CSharpParse, "A changed C# file does not parse, so it could not be analysed.", "Fix the syntax error; the change is denied until the file parses."),
        new(CSharpNotShipped, "Public declarations changed in a project that does not ship.", "Nothing to do: the public-api rule judges shipping projects only."),
        new(PublicApiAttribute, "Public API changed only in attributes that PublicAPI files do not record ([Obsolete], [EditorBrowsable], [Requires...], nullable attributes).", "Check the attribute is meant: [Obsolete(..., true)] and [Requires...] break callers' builds (the public-api rule's severity then applies); [Obsolete] and [EditorBrowsable] change what they are told. The PublicAPI files need no entry."),
        new(CSharpSemantic, "A file fell back to syntax matching for banned APIs.", "Build the project so semantic analysis can run, or accept the syntax match."),
        new(CSharpNoContent, "A changed C# file's content was not available.", "Give the gate a repository (not only a diff) to analyse C#."),
        new(CSharpTooLarge, "A changed C# file is too large to analyse.", "Split the file, or exclude it from the C# rules."),
        new(SchemaTooLarge, "A changed schema file is too large to validate.", "Split the file, or exclude it from the schema rule."),
        new(GateRepo, "The MSBuild gate is on but cannot run here.", "Run the build inside a git repository, or set AutopilotGate=false."),
        new(GateOutput, "The gate's output could not be read.", "Run autopilot gate by hand to see what it printed."),
        new(GateTool, "The autopilot tool could not be run.", "Check that the Autopilot.MSBuild package's tool is present and runs."),
        new(GateDeny, "The gate denied the change.", "Fix the findings the build lists."),
        new(GateEscalate, "The gate escalated the change and escalations count as errors here.", "Ask a human to approve, or set AutopilotEscalateAsError=false."),
        new(GateVerdictUnknown, "The gate's verdict or exit code is not one the task accepts, so the change is not allowed.", "Run autopilot gate by hand to see its answer; use matching versions of the task and the tool."),
        new(State, "The ledger or state folder cannot be used.", "Check the state folder's permissions and free space (or --state-dir)."),
        new(ReplayError, "Deciding a recorded case again failed.", "Read the message; the policy may not load or the case may be damaged."),
    ];

    private static readonly Dictionary<string, RuleIdInfo> s_byId = Index();

    /// <summary>The registry entry for <paramref name="id"/>, or null for ids a policy defines.</summary>
    public static RuleIdInfo? Find(string id) => s_byId.TryGetValue(id, out var info) ? info : null;

    /// <summary>The MSBuild log code for a gate verdict that refused the change.</summary>
    public static string GateVerdict(string verdict) => verdict switch
    {
        "deny" => GateDeny,
        "escalate" => GateEscalate,
        _ => GateVerdictUnknown,
    };

    private static Dictionary<string, RuleIdInfo> Index()
    {
        var map = new Dictionary<string, RuleIdInfo>(StringComparer.Ordinal);
        foreach (var info in All)
        {
            map.Add(info.Id, info);
        }

        return map;
    }
}
