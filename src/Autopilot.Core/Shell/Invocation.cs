namespace Autopilot.Core.Shell;

/// <summary>Where an invocation runs, as far as risk is concerned. Policy names in <see cref="InvocationContexts"/>.</summary>
[Flags]
public enum InvocationContext
{
    None = 0,

    /// <summary>A stage of a pipeline with more than one stage.</summary>
    Pipeline = 1 << 0,

    /// <summary>Inside <c>$(...)</c>, backticks or a process substitution.</summary>
    Substitution = 1 << 1,

    /// <summary>Run with <c>&amp;</c>.</summary>
    Background = 1 << 2,

    /// <summary>Run on another machine (<c>ssh host cmd</c>).</summary>
    Remote = 1 << 3,

    /// <summary>An interpreter given code inline (<c>python -c</c>, <c>node -e</c>, a here-document).</summary>
    InlineCode = 1 << 4,

    /// <summary>Run by a wrapper (<c>sudo</c>, <c>env</c>, <c>xargs</c>, <c>find -exec</c>, ...).</summary>
    Wrapped = 1 << 5,

    /// <summary>Run by <c>sudo</c> or <c>doas</c>.</summary>
    Privileged = 1 << 6,

    /// <summary>Inside a function body.</summary>
    Function = 1 << 7,

    /// <summary>A function calling itself in a pipeline or in the background: the shape of a fork bomb.</summary>
    RecursiveSpawn = 1 << 8,

    /// <summary>Arguments are added at run time (<c>xargs</c>, <c>find -exec {}</c>).</summary>
    DynamicArgs = 1 << 9,

    /// <summary>Inside <c>( ... )</c>.</summary>
    Subshell = 1 << 10,

    /// <summary>Parsed from a string handed to another shell (<c>sh -c</c>, <c>eval</c>, <c>watch</c>, a here-document fed to a shell).</summary>
    NestedShell = 1 << 11,
}

/// <summary>The names policies use for <see cref="InvocationContext"/> flags.</summary>
internal static class InvocationContexts
{
    private static readonly (string Name, InvocationContext Flag)[] s_names =
    [
        ("pipeline", InvocationContext.Pipeline),
        ("substitution", InvocationContext.Substitution),
        ("background", InvocationContext.Background),
        ("remote", InvocationContext.Remote),
        ("inline-code", InvocationContext.InlineCode),
        ("wrapped", InvocationContext.Wrapped),
        ("privileged", InvocationContext.Privileged),
        ("function", InvocationContext.Function),
        ("recursive-spawn", InvocationContext.RecursiveSpawn),
        ("dynamic-args", InvocationContext.DynamicArgs),
        ("subshell", InvocationContext.Subshell),
        ("nested-shell", InvocationContext.NestedShell),
    ];

    public static IEnumerable<string> Names
    {
        get
        {
            foreach (var (name, _) in s_names)
            {
                yield return name;
            }
        }
    }

    public static bool TryParse(string name, out InvocationContext flag)
    {
        foreach (var (n, f) in s_names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                flag = f;
                return true;
            }
        }

        flag = InvocationContext.None;
        return false;
    }

    /// <summary>Policy names of the flags set, comma separated (for reasons and diagnostics).</summary>
    public static string Format(InvocationContext context)
    {
        if (context == InvocationContext.None)
        {
            return "";
        }

        var parts = new List<string>();
        foreach (var (name, flag) in s_names)
        {
            if ((context & flag) != 0)
            {
                parts.Add(name);
            }
        }

        return string.Join(",", parts);
    }
}

/// <summary>A redirection of an invocation: operator, file descriptor and target after quote removal.</summary>
public sealed record Redirection(string Op, int? Fd, string Target, bool TargetIsStatic)
{
    /// <summary>True when the target is a file the command writes (not a descriptor duplication).</summary>
    public bool IsWrite => Op is ">" or ">>" or ">|" or "&>" or "&>>" or "<>"
        || (Op == ">&" && !IsDescriptorTarget);

    /// <summary>True when the target is a file the command reads.</summary>
    public bool IsRead => Op is "<" or "<>" || (Op == "<&" && !IsDescriptorTarget);

    private bool IsDescriptorTarget => Target == "-" || (Target.Length > 0 && IsDigits(Target));

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// One program the command would run, seen through quoting, wrappers and nesting.
/// </summary>
public sealed record Invocation
{
    /// <summary>Program name after normalisation (<c>/bin/rm</c>, <c>\rm</c>, <c>'rm'</c> → <c>rm</c>); empty when dynamic.</summary>
    public required string Program { get; init; }

    /// <summary>The command word after quote removal, as the shell would see it (<c>/bin/rm</c>, <c>$X</c>).</summary>
    public required string RawProgram { get; init; }

    /// <summary>Every word after the program, after quote removal (expansions kept as written).</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>Flags, split: <c>-rf</c> gives <c>-rf</c>, <c>-r</c>, <c>-f</c>; <c>--force=x</c> gives <c>--force</c>.</summary>
    public required IReadOnlyList<string> Flags { get; init; }

    /// <summary>Non-flag arguments in order (everything after <c>--</c>), without the values of known global options (<c>git -C dir</c>).</summary>
    public required IReadOnlyList<string> Positionals { get; init; }

    public IReadOnlyList<Redirection> Redirections { get; init; } = [];

    /// <summary>Assignments written before the program (<c>A=1</c>).</summary>
    public IReadOnlyList<string> Assignments { get; init; } = [];

    public InvocationContext Context { get; init; }

    /// <summary>Programs of the earlier stages of the same pipeline (and of <c>&lt;(...)</c> inputs), in order.</summary>
    public IReadOnlyList<string> PipelinePredecessors { get; init; } = [];

    /// <summary>The wrapper that runs this invocation (<c>sudo</c>, <c>xargs</c>, <c>sh</c> for <c>sh -c</c>), if any.</summary>
    public string? WrappedBy { get; init; }

    /// <summary>Code handed to an interpreter inline (<c>python -c CODE</c>).</summary>
    public string? InlineCode { get; init; }

    /// <summary>Why this invocation cannot be known statically (dynamic program, dynamic code); null when it can.</summary>
    public string? UnknownReason { get; init; }

    /// <summary>Where the invocation is in the parsed text (for nested strings, the span of the string).</summary>
    public TextSpan Span { get; init; }

    /// <summary>The source text of the invocation (for nested strings, the text within the string).</summary>
    public string Text { get; init; } = "";

    /// <summary>How many wrappers and nested shells lie between the top level and this invocation.</summary>
    public int Depth { get; init; }

    public bool IsUnknown => UnknownReason is not null;

    /// <summary>
    /// True when <paramref name="other"/> is this invocation or one that reads the same (text, program as written,
    /// arguments and context): a finding about one is the same finding about the other. Two invocations with the
    /// same text but other arguments (a variable changed in between) are not the same.
    /// </summary>
    public bool ReadsTheSameAs(Invocation? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Text != Text || other.RawProgram != RawProgram || other.Program != Program
            || other.Context != Context || other.Args.Count != Args.Count)
        {
            return false;
        }

        for (var i = 0; i < Args.Count; i++)
        {
            if (other.Args[i] != Args[i])
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}

/// <summary>A parse problem: where (0-based offset in the top-level text) and what.</summary>
internal sealed record ParseError(int Offset, string Message)
{
    public override string ToString() => $"offset {Offset}: {Message}";
}

/// <summary>
/// What <see cref="CommandParser.Parse(string)"/> found: the syntax tree (null when the text could not be parsed),
/// the flat list of invocations and any errors. When <see cref="Errors"/> is not empty the command must be
/// treated as unknown, whatever the invocations say.
/// </summary>
internal sealed record ParseResult(string Text, ListNode? Tree, IReadOnlyList<Invocation> Invocations, IReadOnlyList<ParseError> Errors)
{
    public bool Success => Errors.Count == 0;
}
