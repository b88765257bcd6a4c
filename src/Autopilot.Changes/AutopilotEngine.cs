using Autopilot.Changes.Gate;
using Autopilot.Core.Actions;
using Autopilot.Core.Decisions;
using Autopilot.Core.Escalation;
using Autopilot.Core.Policies;
using Autopilot.Core.Transitions;
using Autopilot.Core.WorkOrders;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Loading;
using Autopilot.Policy.Plan;

namespace Autopilot;

/// <summary>
/// The library entry point: load a policy once, then ask the four questions, each answered by a <see cref="Decision"/>
/// (a verdict, the findings that decided it and the policy's hash).
/// <list type="number">
/// <item><see cref="Transition"/>: may this task move from one phase to another (evidence-gated)?</item>
/// <item><see cref="Act"/>: may this actor run this shell command now (risk by effects, against its autonomy level)?</item>
/// <item><see cref="Judge(GateRequest)"/>: may this change land (diff rules, C# and schema analyses)?</item>
/// <item><see cref="Escalate"/>: should a human be called in, given the run's signals?</item>
/// </list>
/// </summary>
/// <remarks>
/// An instance is immutable and safe to share between threads. Nothing it is asked writes state: recording a
/// decision in the ledger is the caller's choice (see <c>Autopilot.Core.Ledger</c>).
/// </remarks>
public sealed class AutopilotEngine
{
    private readonly TransitionEvaluator _transitions;
    private readonly EscalationEvaluator _escalation;
    private readonly ChangeGate _gate;

    private AutopilotEngine(PolicyEngine policy, string origin, string repositoryRoot)
    {
        Policy = policy;
        Origin = origin;
        RepositoryRoot = repositoryRoot;
        _transitions = new TransitionEvaluator(policy);
        _escalation = new EscalationEvaluator(policy);
        _gate = new ChangeGate(policy);
    }

    /// <summary>The compiled policy the questions are answered from (its plan, classifier and gates), for callers that need more.</summary>
    public PolicyEngine Policy { get; }

    /// <summary>Where the policy came from: its file, or <see cref="PolicySource.BuiltInName"/>.</summary>
    public string Origin { get; }

    /// <summary>The repository the engine judges: relative paths, evidence and the workspace are resolved against it.</summary>
    public string RepositoryRoot { get; }

    /// <summary>
    /// The repository's state folder (<c>.autopilot</c>): the engine reads the work-order constraints a task was given there
    /// (<c>autopilot workorder apply</c>), as the command does. It never writes there.
    /// </summary>
    public string StateDirectory => Path.Combine(RepositoryRoot, ".autopilot");

    /// <summary>The policy's content hash; every decision carries it.</summary>
    public string PolicyHash => Policy.PolicyHash;

    /// <summary>
    /// Loads the policy a repository uses, as the <c>autopilot</c> command does: <paramref name="policyPath"/> when given; else
    /// <c>.autopilot/policy.yaml</c> in the repository; else its single <c>policies/*.policy.yaml</c>; else the built-in default.
    /// </summary>
    /// <param name="repositoryRoot">The repository (default: the one holding the current folder).</param>
    /// <param name="policyPath">A policy file to use instead of looking for one.</param>
    /// <exception cref="PolicyLoadException">The policy has errors: each is in <see cref="PolicyLoadException.Diagnostics"/>, with file, line and column.</exception>
    public static AutopilotEngine Load(string? repositoryRoot = null, string? policyPath = null)
    {
        var root = Path.GetFullPath(repositoryRoot ?? Core.Policies.RepositoryRoot.Find(Directory.GetCurrentDirectory()));
        var loaded = PolicySource.Load(PolicySource.Resolve(policyPath, root));
        return loaded.Engine is { } engine
            ? new AutopilotEngine(engine, loaded.Origin, root)
            : throw new PolicyLoadException(loaded.Origin, loaded.Diagnostics);
    }

    /// <summary>Compiles a policy from its YAML text (every check runs, as <c>autopilot policy lint</c> does).</summary>
    /// <param name="yaml">The policy.</param>
    /// <param name="origin">The name diagnostics give the text.</param>
    /// <param name="repositoryRoot">The repository (default: the one holding the current folder).</param>
    /// <exception cref="PolicyLoadException">The policy has errors.</exception>
    public static AutopilotEngine FromYaml(string yaml, string origin = "inline.policy.yaml", string? repositoryRoot = null)
    {
        var result = PlanBuilder.Compile(PolicyLoader.LoadText(yaml, origin), PolicySource.RuntimeChecks);
        return result.Plan is { } plan
            ? new AutopilotEngine(PolicySource.EngineFor(plan), origin, Path.GetFullPath(repositoryRoot ?? Core.Policies.RepositoryRoot.Find(Directory.GetCurrentDirectory())))
            : throw new PolicyLoadException(origin, result.Diagnostics);
    }

    /// <summary>Question 1: may <paramref name="task"/> move from phase <paramref name="from"/> to <paramref name="to"/>?</summary>
    /// <param name="task">The task id (a plain name).</param>
    /// <param name="from">The phase the task is in.</param>
    /// <param name="to">The phase it would move to.</param>
    /// <param name="evidenceRoot">The folder holding <c>task/phase/</c> evidence (default: the policy's <c>evidence.root</c> in the repository).</param>
    /// <remarks>
    /// The same call <c>autopilot transition</c> makes without <c>--record</c>: the task's work order (its required evidence)
    /// is read from <see cref="StateDirectory"/>.
    /// </remarks>
    /// <exception cref="InvalidDataException">The task's recorded work-order constraints cannot be read (fail closed).</exception>
    public Decision Transition(string task, string from, string to, string? evidenceRoot = null) =>
        _transitions.Evaluate(new TransitionRequest(task, from, to, evidenceRoot ?? TransitionEvaluator.EvidenceRoot(Policy, RepositoryRoot))
        {
            Constraints = WorkOrderConstraints.Read(StateDirectory, task),
        }).Decision;

    /// <summary>Question 2: may an actor at <paramref name="autonomyLevel"/> run <paramref name="command"/>?</summary>
    /// <param name="command">The shell command, as the agent would run it.</param>
    /// <param name="autonomyLevel">The actor's level (default: the policy's default level).</param>
    /// <param name="phase">The task's phase, for the phase's tool guard.</param>
    /// <param name="workingDirectory">Where the command runs (default: the repository root).</param>
    /// <param name="task">The task the action belongs to: its work order caps the level, and policy exceptions may be scoped to it.</param>
    /// <remarks>
    /// The same call <c>autopilot check command</c> makes (<see cref="ActionEvaluator.JudgeCommand"/>); the command then also
    /// settles the decision against the ledger (one-time approvals, exception uses), which writes state and is left to the caller here.
    /// </remarks>
    /// <exception cref="InvalidDataException">The task's recorded work-order constraints cannot be read (fail closed).</exception>
    public Decision Act(string command, string? autonomyLevel = null, string? phase = null, string? workingDirectory = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (context, level) = Actor(autonomyLevel, phase, workingDirectory, task);
        return Policy.Actions.JudgeCommand(command, context, level).Decision;
    }

    /// <summary>Question 2, for a file operation: may an actor at <paramref name="autonomyLevel"/> read, write or delete <paramref name="path"/>?</summary>
    /// <param name="path">The file, relative to <paramref name="workingDirectory"/> or absolute.</param>
    /// <param name="operation">What the actor would do to it.</param>
    /// <param name="autonomyLevel">The actor's level (default: the policy's default level).</param>
    /// <param name="phase">The task's phase.</param>
    /// <param name="workingDirectory">Where a relative path is resolved from (default: the repository root).</param>
    /// <param name="task">The task the action belongs to: its work order caps the level.</param>
    /// <remarks>The same call <c>autopilot check path</c> makes (<see cref="ActionEvaluator.Path"/>), without settling against the ledger.</remarks>
    /// <exception cref="InvalidDataException">The task's recorded work-order constraints cannot be read (fail closed).</exception>
    public Decision ActOnPath(string path, FileOp operation, string? autonomyLevel = null, string? phase = null, string? workingDirectory = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (context, level) = Actor(autonomyLevel, phase, workingDirectory, task);
        return Policy.Actions.Path(path, operation, context, level);
    }

    /// <summary>Question 2, for an agent tool call (<c>Write</c>, <c>WebFetch</c>, an MCP tool): may an actor at <paramref name="autonomyLevel"/> use <paramref name="tool"/>?</summary>
    /// <param name="tool">The tool's name, as the agent reports it.</param>
    /// <param name="autonomyLevel">The actor's level (default: the policy's default level).</param>
    /// <param name="phase">The task's phase, for the phase's tool guard.</param>
    /// <param name="task">The task the action belongs to: its work order caps the level.</param>
    /// <remarks>The same call <c>autopilot check tool --autonomy</c> makes (<see cref="ActionEvaluator.Tool"/>).</remarks>
    /// <exception cref="InvalidDataException">The task's recorded work-order constraints cannot be read (fail closed).</exception>
    public Decision ActOnTool(string tool, string? autonomyLevel = null, string? phase = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var (context, level) = Actor(autonomyLevel, phase, null, task);
        return Policy.Actions.Tool(tool, context, level);
    }

    /// <summary>Who acts and where, as the <c>check</c> commands work it out: the level capped by the task's work order.</summary>
    private (ActionContext Context, string Level) Actor(string? autonomyLevel, string? phase, string? workingDirectory, string? task)
    {
        var level = WorkOrderConstraints.CapLevel(Policy.Plan, StateDirectory, task, autonomyLevel ?? Policy.Plan.DefaultAutonomy);
        var context = ActionContext.ForCurrentUser(RepositoryRoot) with
        {
            WorkingDirectory = Path.GetFullPath(workingDirectory ?? RepositoryRoot),
            Phase = phase,
            Task = task,
        };
        return (context, level);
    }

    /// <summary>Question 3: may this change land? The request says what to read (a range, the index, the working tree or a diff).</summary>
    /// <exception cref="Autopilot.Changes.ChangeSets.ChangeSetException">The change cannot be read (an unknown revision, a broken diff).</exception>
    public Decision Judge(GateRequest request) => _gate.Judge(request).Decision;

    /// <summary>Question 3, for the usual case: the working tree (untracked files included) against the merge base with <paramref name="baseRef"/>.</summary>
    /// <param name="baseRef">The branch or commit to compare with (default: the repository's default branch).</param>
    public Decision Judge(string? baseRef = null) => Judge(new GateRequest { RepositoryRoot = RepositoryRoot, Base = baseRef });

    /// <summary>Question 4: should a human be called in, given the run's signals?</summary>
    public Decision Escalate(RunSignals signals) => _escalation.Evaluate(signals);
}

/// <summary>A policy that does not compile: every problem, located in the policy file.</summary>
public sealed class PolicyLoadException(string origin, IReadOnlyList<PolicyDiagnostic> diagnostics)
    : Exception($"The policy {origin} has errors: {string.Join("; ", diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3))}")
{
    /// <summary>The policy file (or name) that failed.</summary>
    public string Origin { get; } = origin;

    /// <summary>Every diagnostic, errors and warnings, with file, line and column.</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; } = diagnostics;
}
