using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using Autopilot.Policy.Model;
using Autopilot.Policy.Packs;

namespace Autopilot.Policy.Plan;

/// <summary>
/// Deep, read-only copies of the parts of a document that the plan hands to evaluation. The binder builds its lists as
/// <see cref="List{T}"/>s and arrays; a caller could cast one back and change a decision. Every list the plan returns is
/// a fresh <see cref="ReadOnlyCollection{T}"/> over its own array (casting it to <see cref="IList{T}"/> and writing
/// throws), and the records holding lists are copied with theirs replaced. Records without lists are immutable already.
/// </summary>
internal static class PlanCopies
{
    // An empty list needs no copy: the empty array has nothing to write (most lists of a pack's effects are empty).
    public static IReadOnlyList<T> List<T>(IEnumerable<T> items) =>
        items is IReadOnlyCollection<T> { Count: 0 } ? Array.Empty<T>() : new ReadOnlyCollection<T>(items.ToArray());

    public static IReadOnlyList<TOut> List<TIn, TOut>(IEnumerable<TIn> items, Func<TIn, TOut> copy) =>
        items is IReadOnlyCollection<TIn> { Count: 0 } ? Array.Empty<TOut>() : new ReadOnlyCollection<TOut>(items.Select(copy).ToArray());

    public static PhaseDef Of(PhaseDef p) => p with
    {
        Evidence = List(p.Evidence),
        Tools = p.Tools is null ? null : List(p.Tools),
    };

    public static RiskRuleDef Of(RiskRuleDef r) => r with
    {
        Command = r.Command is null ? null : Of(r.Command),
        Path = r.Path is null ? null : r.Path with { Globs = List(r.Path.Globs), Ops = List(r.Path.Ops) },
        Tool = r.Tool is null ? null : r.Tool with { Names = List(r.Tool.Names) },
        Effect = r.Effect is null ? null : r.Effect with
        {
            Kinds = List(r.Effect.Kinds),
            Targets = List(r.Effect.Targets),
            Methods = List(r.Effect.Methods),
            Hosts = List(r.Effect.Hosts),
        },
    };

    public static CommandMatchDef Of(CommandMatchDef c) => c with
    {
        Programs = List(c.Programs),
        Subcommands = List(c.Subcommands),
        AnyFlags = List(c.AnyFlags),
        AllFlagGroups = List(c.AllFlagGroups, List),
        Args = List(c.Args),
        RedirectTo = List(c.RedirectTo),
        PipeFrom = List(c.PipeFrom),
        Contexts = List(c.Contexts),
        RawPrograms = List(c.RawPrograms),
        Flags = List(c.Flags),
        Words = List(c.Words),
        ArgAt = List(c.ArgAt, a => a with { Globs = List(a.Globs) }),
        Not = List(c.Not, Of),
    };

    public static ActionSettings Of(ActionSettings a) => a with
    {
        Allowlist = List(a.Allowlist, p => p with { Subcommands = List(p.Subcommands), DeniedFlags = List(p.DeniedFlags) }),
        ProgramVariables = List(a.ProgramVariables),
        WorkspaceExtraPaths = List(a.WorkspaceExtraPaths),
        ProtectedPaths = List(a.ProtectedPaths),
        SecretPaths = List(a.SecretPaths),
        TempPaths = List(a.TempPaths),
    };

    public static ToolSettings Of(ToolSettings t) => t with { Always = List(t.Always) };

    public static DiffRuleDef Of(DiffRuleDef d) => d with
    {
        Paths = List(d.Paths),
        ExcludePaths = List(d.ExcludePaths),
        SourcePaths = List(d.SourcePaths),
        TestPaths = List(d.TestPaths),
        Patterns = List(d.Patterns),
        Allow = List(d.Allow),
        Symbols = List(d.Symbols),
    };

    public static EscalationRuleDef Of(EscalationRuleDef e) => e with { Condition = e.Condition is null ? null : Of(e.Condition) };

    public static ConditionDef Of(ConditionDef c) => c with { All = List(c.All, Of), Any = List(c.Any, Of) };

    public static FailureSettings Of(FailureSettings f) => f with
    {
        Classes = List(f.Classes, c => c with { Kinds = List(c.Kinds), Patterns = List(c.Patterns) }),
    };

    public static PolicyExceptionDef Of(PolicyExceptionDef e) => e with
    {
        Paths = List(e.Paths),
        Commands = List(e.Commands),
        Tools = List(e.Tools),
        Tasks = List(e.Tasks),
    };

    public static PackDef Of(PackDef p) => p with
    {
        Programs = List(p.Programs, program => program with
        {
            Names = List(program.Names),
            ValueFlags = List(program.ValueFlags),
            Effects = List(program.Effects, Of),
            Subcommands = List(program.Subcommands, s => s with { Words = List(s.Words), ValueFlags = List(s.ValueFlags), Effects = List(s.Effects, Of) }),
            Otherwise = List(program.Otherwise, Of),
        }),
        Environment = List(p.Environment, v => v with { Names = List(v.Names), Effects = List(v.Effects, Of) }),
    };

    public static EffectDef Of(EffectDef e) => e with
    {
        NoSkipWith = List(e.NoSkipWith),
        TargetFlags = List(e.TargetFlags),
        IfFlags = List(e.IfFlags),
        IfNotFlags = List(e.IfNotFlags),
        IfArgs = List(e.IfArgs),
        IfNotArgs = List(e.IfNotArgs),
        IfFlagValues = List(e.IfFlagValues, fv => fv with { Values = List(fv.Values) }),
        Recursive = List(e.Recursive),
        MethodFlags = List(e.MethodFlags),
    };
}
