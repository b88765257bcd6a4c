namespace Autopilot.Core.Shell;

/// <summary>A range of characters in the parsed text (0-based offset, length).</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    public override string ToString() => $"[{Start}..{End})";
}

/// <summary>A node of the shell syntax tree. Spans are offsets into the text that was parsed.</summary>
/// <remarks>Nodes are values: records compare by their members (lists by reference).</remarks>
internal abstract record ShellNode(TextSpan Span);

/// <summary>Commands separated by <c>;</c>, <c>&amp;</c> or newlines.</summary>
internal sealed record ListNode(TextSpan Span, IReadOnlyList<ListItem> Items) : ShellNode(Span);

/// <summary>One and-or list of a <see cref="ListNode"/> and whether it ends with <c>&amp;</c>.</summary>
internal sealed record ListItem(AndOrNode Command, bool Background);

/// <summary>Pipelines joined by <c>&amp;&amp;</c> and <c>||</c> (<see cref="Operators"/> has one entry fewer than <see cref="Pipelines"/>).</summary>
internal sealed record AndOrNode(TextSpan Span, IReadOnlyList<PipelineNode> Pipelines, IReadOnlyList<string> Operators) : ShellNode(Span);

/// <summary>Commands joined by <c>|</c> or <c>|&amp;</c>, optionally negated with <c>!</c>.</summary>
internal sealed record PipelineNode(TextSpan Span, IReadOnlyList<CommandNode> Commands, bool Negated) : ShellNode(Span);

/// <summary>A command with the redirections written after it.</summary>
internal abstract record CommandNode(TextSpan Span, IReadOnlyList<RedirectNode> Redirects) : ShellNode(Span);

/// <summary><c>A=1 B=2 program arg... &gt;file</c>.</summary>
internal sealed record SimpleCommandNode(
    TextSpan Span,
    IReadOnlyList<AssignmentNode> Assignments,
    IReadOnlyList<WordNode> Words,
    IReadOnlyList<RedirectNode> Redirects) : CommandNode(Span, Redirects);

/// <summary><c>( list )</c>.</summary>
internal sealed record SubshellNode(TextSpan Span, ListNode Body, IReadOnlyList<RedirectNode> Redirects) : CommandNode(Span, Redirects);

/// <summary><c>{ list; }</c>.</summary>
internal sealed record BraceGroupNode(TextSpan Span, ListNode Body, IReadOnlyList<RedirectNode> Redirects) : CommandNode(Span, Redirects);

/// <summary><c>name() body</c> or <c>function name body</c>.</summary>
internal sealed record FunctionDefNode(TextSpan Span, string Name, CommandNode Body, IReadOnlyList<RedirectNode> Redirects) : CommandNode(Span, Redirects);

internal enum CompoundKind
{
    If,
    While,
    Until,
    For,
    Select,
    Case,

    /// <summary><c>(( expression ))</c>.</summary>
    Arithmetic,

    /// <summary><c>[[ expression ]]</c>.</summary>
    Conditional,
}

/// <summary>
/// if/while/until/for/select/case, <c>((...))</c> and <c>[[...]]</c>: the words they expand
/// (loop lists, case subject and patterns, conditional operands) and the lists they run.
/// </summary>
internal sealed record CompoundNode(
    TextSpan Span,
    CompoundKind Kind,
    IReadOnlyList<WordNode> Words,
    IReadOnlyList<ListNode> Bodies,
    IReadOnlyList<RedirectNode> Redirects) : CommandNode(Span, Redirects);

/// <summary><c>NAME=value</c> (or <c>NAME+=value</c>, <c>NAME=(a b)</c>) before a command.</summary>
internal sealed record AssignmentNode(TextSpan Span, string Name, IReadOnlyList<WordNode> Values) : ShellNode(Span);

/// <summary>
/// A redirection: optional file descriptor, operator (<c>&gt;</c>, <c>&gt;&gt;</c>, <c>&lt;</c>, <c>&lt;&lt;</c>,
/// <c>&lt;&lt;-</c>, <c>&lt;&lt;&lt;</c>, <c>&gt;&amp;</c>, <c>&lt;&amp;</c>, <c>&amp;&gt;</c>, <c>&amp;&gt;&gt;</c>,
/// <c>&gt;|</c>, <c>&lt;&gt;</c>) and target. For here-documents <see cref="HereDoc"/> holds the body.
/// </summary>
internal sealed record RedirectNode(TextSpan Span, int? Fd, string Op, WordNode Target, WordNode? HereDoc) : ShellNode(Span);

/// <summary>
/// A word. <see cref="Text"/> is its value after quote removal, with expansions that cannot be
/// known statically kept as written (<c>$HOME</c>, <c>$(cmd)</c>); <see cref="IsStatic"/> says there are none.
/// </summary>
internal sealed record WordNode(TextSpan Span, IReadOnlyList<WordPart> Parts, string Text, bool IsStatic, bool IsQuoted) : ShellNode(Span);

internal abstract record WordPart(TextSpan Span) : ShellNode(Span);

/// <summary>Literal text: unquoted, single-quoted, <c>$'...'</c> (decoded) or the literal pieces of double quotes.</summary>
internal sealed record LiteralPart(TextSpan Span, string Value, bool Quoted) : WordPart(Span);

/// <summary><c>"..."</c> with its parts.</summary>
internal sealed record DoubleQuotedPart(TextSpan Span, IReadOnlyList<WordPart> Parts) : WordPart(Span);

/// <summary><c>$NAME</c>, <c>$1</c>, <c>${...}</c>; <see cref="Inner"/> holds expansions nested in <c>${...}</c>.</summary>
internal sealed record ParameterPart(TextSpan Span, string Name, string Source, IReadOnlyList<WordPart> Inner) : WordPart(Span);

/// <summary><c>$(list)</c> or <c>`list`</c>.</summary>
internal sealed record CommandSubstitutionPart(TextSpan Span, ListNode Body, bool Backtick) : WordPart(Span);

/// <summary><c>$((expression))</c>; <see cref="Inner"/> holds expansions nested in the expression.</summary>
internal sealed record ArithmeticPart(TextSpan Span, string Source, IReadOnlyList<WordPart> Inner) : WordPart(Span);

/// <summary><c>&lt;(list)</c> (<see cref="Input"/>) or <c>&gt;(list)</c>.</summary>
internal sealed record ProcessSubstitutionPart(TextSpan Span, ListNode Body, bool Input) : WordPart(Span);
