using System.Buffers;
using System.Text;

namespace Autopilot.Core.Shell;

/// <summary>A syntax error at an offset of the top-level text; caught by <see cref="CommandParser"/>.</summary>
internal sealed class ShellSyntaxException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>
/// Hand-written recursive-descent parser for POSIX sh and the bash syntax agents emit.
/// One pass over the characters; here-document bodies are found when their line ends.
/// </summary>
/// <remarks>
/// <para><c>_base</c> shifts offsets when the text is a piece of a larger one (backtick bodies),
/// so that spans and errors point into the text the caller gave.</para>
/// <para>Nesting of lists, substitutions and compound commands is capped at <c>_maxDepth</c>
/// so that hostile input cannot exhaust the stack.</para>
/// </remarks>
internal sealed class ShellSyntaxParser
{
    private static readonly string[] s_listTerminators = ["}", "then", "else", "elif", "fi", "do", "done", "esac"];

    private readonly string _s;
    private readonly int _base;
    private readonly int _maxDepth;
    private int _depth;
    private int _pos;

    // Here-documents: the line that holds the operators ends at _hereDocLineEnd; when the parser
    // consumes that newline it jumps to _hereDocResume, past the bodies.
    private int _hereDocLineEnd = -1;
    private int _hereDocResume = -1;

    private readonly List<StringBuilder> _builders = [];

    // Node lists are collected in reused lists and kept as exact-size arrays (nested constructs rent their own).
    private ListPool<ListItem> _itemLists;
    private ListPool<PipelineNode> _pipelineLists;
    private ListPool<CommandNode> _commandLists;
    private ListPool<WordNode> _wordLists;
    private ListPool<WordPart> _partLists;
    private int _buildersInUse;

    public ShellSyntaxParser(string text, int depth, int maxDepth, int baseOffset = 0)
    {
        _s = text;
        _depth = depth;
        _maxDepth = maxDepth;
        _base = baseOffset;
    }

    public ListNode ParseProgram()
    {
        var list = ParseList();
        SkipBlanksAndNewlines();
        if (_pos < _s.Length)
        {
            throw Error(_pos, $"unexpected '{Describe(_pos)}'");
        }

        return list;
    }

    // ---------------------------------------------------------------- lists and pipelines

    private ListNode ParseList()
    {
        EnterDepth(_pos);
        var start = _pos;
        var items = _itemLists.Rent();
        while (true)
        {
            SkipBlanksAndNewlines();
            if (_pos >= _s.Length || AtListTerminator())
            {
                break;
            }

            var andOr = ParseAndOr();
            SkipBlanks();
            if (_pos < _s.Length && _s[_pos] == ';' && !(Peek(1) is ';' or '&'))
            {
                _pos++;
                items.Add(new ListItem(andOr, false));
            }
            else if (_pos < _s.Length && _s[_pos] == '&' && Peek(1) != '&' && Peek(1) != '>')
            {
                _pos++;
                items.Add(new ListItem(andOr, true));
            }
            else if (_pos < _s.Length && _s[_pos] == '\n')
            {
                items.Add(new ListItem(andOr, false));
            }
            else
            {
                items.Add(new ListItem(andOr, false));
                break;
            }
        }

        _depth--;
        return new ListNode(Span(start, _pos), _itemLists.ToArrayAndReturn(items));
    }

    private bool AtListTerminator()
    {
        var c = _s[_pos];
        if (c == ')' || (c == ';' && Peek(1) is ';' or '&'))
        {
            return true;
        }

        var word = PeekReservedWord();
        if (word is null)
        {
            return false;
        }

        foreach (var t in s_listTerminators)
        {
            if (t == word)
            {
                return true;
            }
        }

        return false;
    }

    private AndOrNode ParseAndOr()
    {
        var start = _pos;
        var pipelines = _pipelineLists.Rent();
        pipelines.Add(ParsePipeline());
        List<string>? ops = null;
        while (true)
        {
            SkipBlanks();
            if (_pos + 1 < _s.Length && ((_s[_pos] == '&' && _s[_pos + 1] == '&') || (_s[_pos] == '|' && _s[_pos + 1] == '|')))
            {
                (ops ??= []).Add(_s[_pos] == '&' ? "&&" : "||");
                _pos += 2;
                SkipBlanksAndNewlines();
                pipelines.Add(ParsePipeline());
            }
            else
            {
                break;
            }
        }

        return new AndOrNode(Span(start, _pos), _pipelineLists.ToArrayAndReturn(pipelines), ops ?? (IReadOnlyList<string>)[]);
    }

    private PipelineNode ParsePipeline()
    {
        SkipBlanks();
        var start = _pos;
        var negated = false;
        while (true)
        {
            if (PeekReservedWord() == "!")
            {
                negated = true;
                _pos++;
                SkipBlanks();
                continue;
            }

            // 'time' is a reserved word that times the whole pipeline: 'time (make)' is valid.
            if (PeekReservedWord() == "time")
            {
                _pos += 4;
                SkipBlanks();
                if (_pos + 1 < _s.Length && _s[_pos] == '-' && _s[_pos + 1] == 'p' && (_pos + 2 >= _s.Length || IsMeta(_s[_pos + 2])))
                {
                    _pos += 2;
                    SkipBlanks();
                }

                continue;
            }

            break;
        }

        var commands = _commandLists.Rent();
        commands.Add(ParseCommand());
        while (true)
        {
            SkipBlanks();
            if (_pos < _s.Length && _s[_pos] == '|' && Peek(1) != '|')
            {
                _pos += Peek(1) == '&' ? 2 : 1;
                SkipBlanksAndNewlines();
                commands.Add(ParseCommand());
            }
            else
            {
                break;
            }
        }

        return new PipelineNode(Span(start, _pos), _commandLists.ToArrayAndReturn(commands), negated);
    }

    // ---------------------------------------------------------------- commands

    private CommandNode ParseCommand()
    {
        SkipBlanks();
        if (_pos >= _s.Length)
        {
            throw Error(_pos, "expected a command, found the end of the text");
        }

        var start = _pos;
        var c = _s[_pos];
        if (c == '(')
        {
            if (Peek(1) == '(' && TryFindArithmeticEnd(_pos + 2, out var arithEnd))
            {
                var word = ParseArithmeticBody(_pos, _pos + 2, arithEnd);
                _pos = arithEnd + 2;
                return new CompoundNode(Span(start, _pos), CompoundKind.Arithmetic, [word], [], ParseTrailingRedirects());
            }

            _pos++;
            EnterDepth(start);
            var body = ParseList();
            Expect(')', start, "'(' is not closed");
            _depth--;
            return new SubshellNode(Span(start, _pos), body, ParseTrailingRedirects());
        }

        switch (PeekReservedWord())
        {
            case "{":
                return ParseBraceGroup(start);
            case "if":
                return ParseIf(start);
            case "while":
                return ParseLoop(start, CompoundKind.While, "while");
            case "until":
                return ParseLoop(start, CompoundKind.Until, "until");
            case "for":
                return ParseFor(start, CompoundKind.For, "for");
            case "select":
                return ParseFor(start, CompoundKind.Select, "select");
            case "case":
                return ParseCase(start);
            case "[[":
                return ParseConditional(start);
            case "function":
                return ParseFunctionKeyword(start);
            case "}" or "then" or "else" or "elif" or "fi" or "do" or "done" or "esac":
                throw Error(_pos, $"unexpected '{PeekReservedWord()}'");
        }

        return ParseSimpleCommand(start);
    }

    private CommandNode ParseSimpleCommand(int start)
    {
        List<AssignmentNode>? assignments = null;
        var words = _wordLists.Rent();
        List<RedirectNode>? redirects = null;
        while (true)
        {
            SkipBlanks();
            if (_pos >= _s.Length)
            {
                break;
            }

            var c = _s[_pos];
            if (c == '(' && words.Count == 1 && assignments is null && redirects is null)
            {
                var nameWord = words[0];
                _wordLists.ToArrayAndReturn(words);
                return ParseFunctionAfterName(start, nameWord);
            }

            if (TryParseRedirect(out var redirect))
            {
                (redirects ??= []).Add(redirect);
                continue;
            }

            if (IsMeta(c) && !IsProcessSubstitutionStart(_pos))
            {
                break;
            }

            var wordStart = _pos;
            var word = ParseWord() ?? throw Error(_pos, $"unexpected '{Describe(_pos)}'");
            if (words.Count > 0 && _pos < _s.Length && _s[_pos] == '(' && word.Text.EndsWith('=') && IsDeclarationBuiltin(words[0]) && TryAssignmentName(wordStart, word, out _))
            {
                word = ParseDeclaredArray(wordStart, word);
            }

            if (words.Count == 0 && TryAssignmentName(wordStart, word, out var name))
            {
                var values = new List<WordNode> { word };
                if (_pos < _s.Length && _s[_pos] == '(' && word.Text.EndsWith('='))
                {
                    ParseArrayValues(values);
                }

                (assignments ??= []).Add(new AssignmentNode(Span(wordStart, _pos), name, values));
                continue;
            }

            words.Add(word);
        }

        if (words.Count == 0 && assignments is null && redirects is null)
        {
            throw Error(_pos, _pos < _s.Length ? $"expected a command, found '{Describe(_pos)}'" : "expected a command, found the end of the text");
        }

        return new SimpleCommandNode(Span(start, _pos), assignments ?? (IReadOnlyList<AssignmentNode>)[], _wordLists.ToArrayAndReturn(words), redirects ?? (IReadOnlyList<RedirectNode>)[]);
    }

    private void ParseArrayValues(List<WordNode> values)
    {
        var open = _pos;
        _pos++;
        while (true)
        {
            SkipBlanksAndNewlines();
            if (_pos >= _s.Length)
            {
                throw Error(open, "array assignment '(' is not closed");
            }

            if (_s[_pos] == ')')
            {
                _pos++;
                return;
            }

            values.Add(ParseWord() ?? throw Error(_pos, $"unexpected '{Describe(_pos)}' in array assignment"));
        }
    }

    /// <summary>The builtins whose arguments are assignments (<c>declare -a NAME=(a b)</c>).</summary>
    internal static bool IsDeclarationBuiltin(WordNode word) =>
        word.IsStatic && word.Text is "declare" or "typeset" or "local" or "export" or "readonly";

    /// <summary>
    /// <c>declare -a NAME=(a b)</c>: the array becomes one word, <c>NAME=(a b)</c>, made of the elements' parts with
    /// the brackets and blanks between them, so that substitutions in the elements are walked like any other.
    /// </summary>
    private WordNode ParseDeclaredArray(int wordStart, WordNode nameWord)
    {
        var open = _pos;
        var elements = new List<WordNode>();
        ParseArrayValues(elements);
        var span = Span(open, _pos);
        var parts = new List<WordPart>(nameWord.Parts) { new LiteralPart(span, "(", true) };
        var text = new StringBuilder(nameWord.Text).Append('(');
        var isStatic = nameWord.IsStatic;
        for (var i = 0; i < elements.Count; i++)
        {
            if (i > 0)
            {
                parts.Add(new LiteralPart(span, " ", true));
                text.Append(' ');
            }

            parts.AddRange(elements[i].Parts);
            text.Append(elements[i].Text);
            isStatic &= elements[i].IsStatic;
        }

        parts.Add(new LiteralPart(span, ")", true));
        return new WordNode(Span(wordStart, _pos), parts, text.Append(')').ToString(), isStatic, false);
    }

    private FunctionDefNode ParseFunctionAfterName(int start, WordNode nameWord)
    {
        var open = _pos;
        _pos++;
        SkipBlanks();
        Expect(')', open, "function definition needs '()'");
        SkipBlanksAndNewlines();
        EnterDepth(start);
        var body = ParseCommand();
        _depth--;
        return new FunctionDefNode(Span(start, _pos), nameWord.Text, body, ParseTrailingRedirects());
    }

    private FunctionDefNode ParseFunctionKeyword(int start)
    {
        _pos += "function".Length;
        SkipBlanks();
        var name = ParseWord() ?? throw Error(_pos, "function needs a name");
        SkipBlanks();
        if (_pos < _s.Length && _s[_pos] == '(')
        {
            var open = _pos;
            _pos++;
            SkipBlanks();
            Expect(')', open, "function definition needs '()'");
        }

        SkipBlanksAndNewlines();
        EnterDepth(start);
        var body = ParseCommand();
        _depth--;
        return new FunctionDefNode(Span(start, _pos), name.Text, body, ParseTrailingRedirects());
    }

    private BraceGroupNode ParseBraceGroup(int start)
    {
        _pos++;
        EnterDepth(start);
        var body = ParseList();
        ExpectKeyword("}", start, "'{' is not closed");
        _depth--;
        return new BraceGroupNode(Span(start, _pos), body, ParseTrailingRedirects());
    }

    private CompoundNode ParseIf(int start)
    {
        _pos += 2;
        EnterDepth(start);
        var bodies = new List<ListNode> { ParseList() };
        ExpectKeyword("then", start, "'if' needs 'then'");
        bodies.Add(ParseList());
        while (true)
        {
            SkipBlanksAndNewlines();
            var word = PeekReservedWord();
            if (word == "elif")
            {
                _pos += 4;
                bodies.Add(ParseList());
                ExpectKeyword("then", start, "'elif' needs 'then'");
                bodies.Add(ParseList());
            }
            else if (word == "else")
            {
                _pos += 4;
                bodies.Add(ParseList());
            }
            else
            {
                break;
            }
        }

        ExpectKeyword("fi", start, "'if' is not closed with 'fi'");
        _depth--;
        return new CompoundNode(Span(start, _pos), CompoundKind.If, [], bodies, ParseTrailingRedirects());
    }

    private CompoundNode ParseLoop(int start, CompoundKind kind, string keyword)
    {
        _pos += keyword.Length;
        EnterDepth(start);
        var condition = ParseList();
        ExpectKeyword("do", start, $"'{keyword}' needs 'do'");
        var body = ParseList();
        ExpectKeyword("done", start, $"'{keyword}' is not closed with 'done'");
        _depth--;
        return new CompoundNode(Span(start, _pos), kind, [], [condition, body], ParseTrailingRedirects());
    }

    private CompoundNode ParseFor(int start, CompoundKind kind, string keyword)
    {
        _pos += keyword.Length;
        EnterDepth(start);
        SkipBlanks();
        var words = new List<WordNode>();
        if (_pos + 1 < _s.Length && _s[_pos] == '(' && _s[_pos + 1] == '(')
        {
            if (!TryFindArithmeticEnd(_pos + 2, out var end))
            {
                throw Error(_pos, $"'{keyword} ((' is not closed with '))'");
            }

            words.Add(ParseArithmeticBody(_pos, _pos + 2, end));
            _pos = end + 2;
        }
        else
        {
            words.Add(ParseWord() ?? throw Error(_pos, $"'{keyword}' needs a variable name"));
            SkipBlanksAndNewlines();
            if (PeekReservedWord() == "in")
            {
                _pos += 2;
                while (true)
                {
                    SkipBlanks();
                    if (_pos >= _s.Length || _s[_pos] is ';' or '\n')
                    {
                        break;
                    }

                    words.Add(ParseWord() ?? throw Error(_pos, $"unexpected '{Describe(_pos)}' in '{keyword}' list"));
                }
            }
        }

        SkipBlanks();
        if (_pos < _s.Length && _s[_pos] == ';')
        {
            _pos++;
        }

        ExpectKeyword("do", start, $"'{keyword}' needs 'do'");
        var body = ParseList();
        ExpectKeyword("done", start, $"'{keyword}' is not closed with 'done'");
        _depth--;
        return new CompoundNode(Span(start, _pos), kind, words, [body], ParseTrailingRedirects());
    }

    private CompoundNode ParseCase(int start)
    {
        _pos += 4;
        EnterDepth(start);
        SkipBlanks();
        var words = new List<WordNode> { ParseWord() ?? throw Error(_pos, "'case' needs a word") };
        var bodies = new List<ListNode>();
        ExpectKeyword("in", start, "'case' needs 'in'");
        while (true)
        {
            SkipBlanksAndNewlines();
            if (_pos >= _s.Length)
            {
                throw Error(start, "'case' is not closed with 'esac'");
            }

            if (PeekReservedWord() == "esac")
            {
                _pos += 4;
                break;
            }

            if (_s[_pos] == '(')
            {
                _pos++;
            }

            while (true)
            {
                SkipBlanks();
                words.Add(ParseWord() ?? throw Error(_pos, $"expected a case pattern, found '{Describe(_pos)}'"));
                SkipBlanks();
                if (_pos < _s.Length && _s[_pos] == '|')
                {
                    _pos++;
                    continue;
                }

                break;
            }

            Expect(')', _pos, "case pattern needs ')'");
            bodies.Add(ParseList());
            SkipBlanksAndNewlines();
            if (_pos + 1 < _s.Length && _s[_pos] == ';' && _s[_pos + 1] is ';' or '&')
            {
                _pos += 2;
                if (_pos < _s.Length && _s[_pos] == '&')
                {
                    _pos++;
                }
            }
        }

        _depth--;
        return new CompoundNode(Span(start, _pos), CompoundKind.Case, words, bodies, ParseTrailingRedirects());
    }

    private CompoundNode ParseConditional(int start)
    {
        _pos += 2;
        EnterDepth(start);
        var words = new List<WordNode>();
        while (true)
        {
            SkipBlanksAndNewlines();
            if (_pos >= _s.Length)
            {
                throw Error(start, "'[[' is not closed with ']]'");
            }

            if (_s[_pos] == ']' && Peek(1) == ']' && (_pos + 2 >= _s.Length || IsMeta(_s[_pos + 2]) || _s[_pos + 2] is ' ' or '\t'))
            {
                _pos += 2;
                break;
            }

            var c = _s[_pos];
            if (c is '&' or '|' or '(' or ')' or '<' or '>' or '!' or ';')
            {
                _pos++;
                continue;
            }

            words.Add(ParseWord() ?? throw Error(_pos, $"unexpected '{Describe(_pos)}' in '[['"));
        }

        _depth--;
        return new CompoundNode(Span(start, _pos), CompoundKind.Conditional, words, [], ParseTrailingRedirects());
    }

    private IReadOnlyList<RedirectNode> ParseTrailingRedirects()
    {
        List<RedirectNode>? redirects = null;
        while (true)
        {
            SkipBlanks();
            if (!TryParseRedirect(out var redirect))
            {
                break;
            }

            (redirects ??= []).Add(redirect);
        }

        return redirects ?? (IReadOnlyList<RedirectNode>)[];
    }

    // ---------------------------------------------------------------- redirections

    private bool TryParseRedirect(out RedirectNode redirect)
    {
        redirect = null!;
        var start = _pos;
        var p = _pos;
        int? fd = null;
        while (p < _s.Length && char.IsAsciiDigit(_s[p]))
        {
            p++;
        }

        if (p > _pos)
        {
            if (p >= _s.Length || _s[p] is not ('<' or '>') || p - _pos > 9)
            {
                return false;
            }

            fd = int.Parse(_s.AsSpan(_pos, p - _pos), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (p >= _s.Length)
        {
            return false;
        }

        var op = MatchRedirectOperator(p);
        if (op is null)
        {
            return false;
        }

        _pos = p + op.Length;
        SkipBlanks();
        var target = ParseWord() ?? throw Error(_pos, $"redirection '{op}' needs a target");
        WordNode? hereDoc = null;
        if (op is "<<" or "<<-")
        {
            hereDoc = ReadHereDocument(target, stripTabs: op == "<<-", start);
        }

        redirect = new RedirectNode(Span(start, _pos), fd, op, target, hereDoc);
        return true;
    }

    private string? MatchRedirectOperator(int p)
    {
        var c = _s[p];
        var n1 = p + 1 < _s.Length ? _s[p + 1] : '\0';
        var n2 = p + 2 < _s.Length ? _s[p + 2] : '\0';
        return c switch
        {
            '<' when n1 == '<' && n2 == '<' => "<<<",
            '<' when n1 == '<' && n2 == '-' => "<<-",
            '<' when n1 == '<' => "<<",
            '<' when n1 == '>' => "<>",
            '<' when n1 == '&' => "<&",
            '<' when n1 == '(' => null,
            '<' => "<",
            '>' when n1 == '>' => ">>",
            '>' when n1 == '&' => ">&",
            '>' when n1 == '|' => ">|",
            '>' when n1 == '(' => null,
            '>' => ">",
            '&' when n1 == '>' && n2 == '>' => "&>>",
            '&' when n1 == '>' => "&>",
            _ => null,
        };
    }

    private WordNode ReadHereDocument(WordNode delimiterWord, bool stripTabs, int opStart)
    {
        var delimiter = delimiterWord.Text;

        // The body starts after the line holding the operator, or after the bodies of earlier
        // here-documents on that same line.
        int bodyStart;
        if (_hereDocLineEnd >= _pos)
        {
            bodyStart = _hereDocResume;
        }
        else
        {
            _hereDocLineEnd = FindLineEnd(_pos);
            if (_hereDocLineEnd < 0)
            {
                throw Error(opStart, $"here-document '{delimiter}' has no body (no newline follows)");
            }

            bodyStart = _hereDocLineEnd + 1;
        }

        var lineStart = bodyStart;
        while (true)
        {
            if (lineStart >= _s.Length)
            {
                throw Error(opStart, $"here-document '{delimiter}' is not terminated by a line '{delimiter}'");
            }

            var lineEnd = _s.IndexOf('\n', lineStart);
            var contentEnd = lineEnd < 0 ? _s.Length : lineEnd;
            var p = lineStart;
            if (stripTabs)
            {
                while (p < contentEnd && _s[p] == '\t')
                {
                    p++;
                }
            }

            var lineLength = contentEnd - p;
            if (contentEnd > p && _s[contentEnd - 1] == '\r')
            {
                lineLength--;
            }

            if (lineLength == delimiter.Length && string.CompareOrdinal(_s, p, delimiter, 0, delimiter.Length) == 0)
            {
                _hereDocResume = lineEnd < 0 ? _s.Length : lineEnd + 1;
                return BuildHereDocBody(bodyStart, lineStart, quoted: delimiterWord.IsQuoted);
            }

            if (lineEnd < 0)
            {
                throw Error(opStart, $"here-document '{delimiter}' is not terminated by a line '{delimiter}'");
            }

            lineStart = lineEnd + 1;
        }
    }

    private WordNode BuildHereDocBody(int start, int end, bool quoted)
    {
        if (quoted)
        {
            var text = _s.Substring(start, end - start);
            return new WordNode(Span(start, end), [new LiteralPart(Span(start, end), text, true)], text, true, true);
        }

        // Unquoted delimiter: the body expands like double-quoted text, substitutions included.
        var saved = _pos;
        _pos = start;
        var parts = new List<WordPart>();
        var sb = RentBuilder();
        var isStatic = true;
        ParseQuotedContent(parts, sb, ref isStatic, closing: '\0', limit: end);
        var value = sb.ToString();
        ReturnBuilder();
        _pos = saved;
        return new WordNode(Span(start, end), parts, value, isStatic, false);
    }

    /// <summary>Offset of the newline that ends the logical line starting at <paramref name="from"/>, skipping quoted text; -1 if none.</summary>
    private int FindLineEnd(int from)
    {
        var p = from;
        var wordStart = true;
        while (p < _s.Length)
        {
            var c = _s[p];
            switch (c)
            {
                case '\n':
                    return p;
                case '\\':
                    p += 2;
                    wordStart = false;
                    continue;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', p + 1);
                        p = close < 0 ? _s.Length : close + 1;
                        wordStart = false;
                        continue;
                    }

                case '"':
                    p++;
                    while (p < _s.Length && _s[p] != '"')
                    {
                        p += _s[p] == '\\' ? 2 : 1;
                    }

                    p++;
                    wordStart = false;
                    continue;
                case '#' when wordStart:
                    var nl = _s.IndexOf('\n', p);
                    return nl;
                default:
                    wordStart = c is ' ' or '\t' or ';' or '&' or '|' or '(' or ')' or '<' or '>';
                    p++;
                    continue;
            }
        }

        return -1;
    }

    // ---------------------------------------------------------------- words

    /// <summary>Parses one word at the current position; null when a metacharacter or the end is there.</summary>
    internal WordNode? ParseWord()
    {
        var start = _pos;
        if (_pos >= _s.Length)
        {
            return null;
        }

        // Fast path: a plain unquoted word (most words are), found with one vectorised search.
        var plain = _s.AsSpan(_pos).IndexOfAny(s_notPlainWordChars);
        var p = plain < 0 ? _s.Length : _pos + plain;

        if (p > _pos && (p >= _s.Length || IsWordEnd(p)))
        {
            var text = _s.Substring(_pos, p - _pos);
            _pos = p;
            return new WordNode(Span(start, p), [new LiteralPart(Span(start, p), text, false)], text, true, false);
        }

        var parts = _partLists.Rent();
        var sb = RentBuilder();
        var isStatic = true;
        var quoted = false;
        var literalStart = -1;
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (IsMeta(c))
            {
                if (_pos == start && IsProcessSubstitutionStart(_pos))
                {
                    FlushLiteral(parts, sb, ref literalStart);
                    parts.Add(ParseProcessSubstitution());
                    isStatic = false;
                    continue;
                }

                break;
            }

            switch (c)
            {
                case '\\':
                    if (Peek(1) == '\n')
                    {
                        _pos += 2;
                        continue;
                    }

                    if (_pos + 1 >= _s.Length)
                    {
                        AppendLiteral(sb, ref literalStart, "\\");
                        _pos++;
                        continue;
                    }

                    quoted = true;
                    AppendLiteral(sb, ref literalStart, _s[_pos + 1]);
                    _pos += 2;
                    continue;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', _pos + 1);
                        if (close < 0)
                        {
                            throw Error(_pos, "single quote is not closed");
                        }

                        FlushLiteral(parts, sb, ref literalStart);
                        var value = _s.Substring(_pos + 1, close - _pos - 1);
                        parts.Add(new LiteralPart(Span(_pos, close + 1), value, true));
                        sb.Append(value);
                        quoted = true;
                        _pos = close + 1;
                        continue;
                    }

                case '"':
                    FlushLiteral(parts, sb, ref literalStart);
                    parts.Add(ParseDoubleQuoted(sb, ref isStatic));
                    quoted = true;
                    continue;
                case '$':
                    {
                        FlushLiteral(parts, sb, ref literalStart);
                        var part = ParseDollar(sb, inDoubleQuotes: false, ref isStatic);
                        if (part is not null)
                        {
                            parts.Add(part);
                            if (part is LiteralPart { Quoted: true })
                            {
                                quoted = true;
                            }
                        }

                        continue;
                    }

                case '`':
                    FlushLiteral(parts, sb, ref literalStart);
                    parts.Add(ParseBacktick(sb));
                    isStatic = false;
                    continue;
                default:
                    AppendLiteral(sb, ref literalStart, c);
                    _pos++;
                    continue;
            }
        }

        FlushLiteral(parts, sb, ref literalStart);
        var display = sb.ToString();
        ReturnBuilder();
        if (_pos == start)
        {
            return null;
        }

        return new WordNode(Span(start, _pos), _partLists.ToArrayAndReturn(parts), display, isStatic, quoted);
    }

    // Literal runs are collected into the builder and become a LiteralPart when something else starts.
    private int _literalBuilderStart;

    private void AppendLiteral(StringBuilder sb, ref int literalStart, char c)
    {
        if (literalStart < 0)
        {
            literalStart = _pos;
            _literalBuilderStart = sb.Length;
        }

        sb.Append(c);
    }

    private void AppendLiteral(StringBuilder sb, ref int literalStart, string s)
    {
        if (literalStart < 0)
        {
            literalStart = _pos;
            _literalBuilderStart = sb.Length;
        }

        sb.Append(s);
    }

    private void FlushLiteral(List<WordPart> parts, StringBuilder sb, ref int literalStart)
    {
        if (literalStart < 0)
        {
            return;
        }

        var value = sb.ToString(_literalBuilderStart, sb.Length - _literalBuilderStart);
        parts.Add(new LiteralPart(Span(literalStart, _pos), value, false));
        literalStart = -1;
    }

    private DoubleQuotedPart ParseDoubleQuoted(StringBuilder sb, ref bool isStatic)
    {
        var start = _pos;
        _pos++;
        var parts = _partLists.Rent();
        ParseQuotedContent(parts, sb, ref isStatic, closing: '"', limit: _s.Length);
        if (_pos >= _s.Length || _s[_pos] != '"')
        {
            throw Error(start, "double quote is not closed");
        }

        _pos++;
        return new DoubleQuotedPart(Span(start, _pos), _partLists.ToArrayAndReturn(parts));
    }

    /// <summary>Double-quoted text (or an unquoted here-document body): only $, ` and \ are special.</summary>
    private void ParseQuotedContent(List<WordPart> parts, StringBuilder sb, ref bool isStatic, char closing, int limit)
    {
        var literalStart = -1;
        while (_pos < limit)
        {
            var c = _s[_pos];
            if (c == closing)
            {
                break;
            }

            switch (c)
            {
                case '\\':
                    {
                        var n = Peek(1);
                        if (n == '\n')
                        {
                            _pos += 2;
                            continue;
                        }

                        if (n is '$' or '`' or '\\' || (n == '"' && closing == '"'))
                        {
                            AppendLiteral(sb, ref literalStart, n);
                            _pos += 2;
                            continue;
                        }

                        AppendLiteral(sb, ref literalStart, '\\');
                        _pos++;
                        continue;
                    }

                case '$':
                    {
                        FlushLiteral(parts, sb, ref literalStart);
                        var part = ParseDollar(sb, inDoubleQuotes: true, ref isStatic);
                        if (part is not null)
                        {
                            parts.Add(part);
                        }

                        continue;
                    }

                case '`':
                    FlushLiteral(parts, sb, ref literalStart);
                    parts.Add(ParseBacktick(sb));
                    isStatic = false;
                    continue;
                default:
                    AppendLiteral(sb, ref literalStart, c);
                    _pos++;
                    continue;
            }
        }

        FlushLiteral(parts, sb, ref literalStart);
    }

    /// <summary>Parses what follows a <c>$</c>. Appends the display text to <paramref name="sb"/>.</summary>
    private WordPart? ParseDollar(StringBuilder sb, bool inDoubleQuotes, ref bool isStatic)
    {
        var start = _pos;
        var n = Peek(1);
        switch (n)
        {
            case '\'' when !inDoubleQuotes:
                {
                    var value = ParseAnsiC();
                    sb.Append(value);
                    return new LiteralPart(Span(start, _pos), value, true);
                }

            case '"' when !inDoubleQuotes:
                // $"..." is a translated string; it expands like "...".
                _pos++;
                return ParseDoubleQuoted(sb, ref isStatic);
            case '(':
                isStatic = false;
                if (Peek(2) == '(' && TryFindArithmeticEnd(_pos + 3, out var end))
                {
                    var word = ParseArithmeticBody(_pos, _pos + 3, end);
                    _pos = end + 2;
                    var source = _s.Substring(start, _pos - start);
                    sb.Append(source);
                    return new ArithmeticPart(Span(start, _pos), source, word.Parts);
                }

                {
                    _pos += 2;
                    EnterDepth(start);
                    var body = ParseList();
                    Expect(')', start, "'$(' is not closed");
                    _depth--;
                    sb.Append(_s, start, _pos - start);
                    return new CommandSubstitutionPart(Span(start, _pos), body, false);
                }

            case '{':
                isStatic = false;
                return ParseBracedParameter(sb);
            default:
                if (n != '\0' && (char.IsAsciiLetter(n) || n == '_'))
                {
                    var p = _pos + 1;
                    while (p < _s.Length && (char.IsAsciiLetterOrDigit(_s[p]) || _s[p] == '_'))
                    {
                        p++;
                    }

                    var name = _s.Substring(_pos + 1, p - _pos - 1);
                    _pos = p;
                    isStatic = false;
                    sb.Append('$').Append(name);
                    return new ParameterPart(Span(start, p), name, _s.Substring(start, p - start), []);
                }

                if (n != '\0' && (char.IsAsciiDigit(n) || n is '@' or '*' or '#' or '?' or '-' or '$' or '!'))
                {
                    _pos += 2;
                    isStatic = false;
                    var source = _s.Substring(start, 2);
                    sb.Append(source);
                    return new ParameterPart(Span(start, _pos), n.ToString(), source, []);
                }

                // A lone '$' is literal.
                _pos++;
                sb.Append('$');
                return new LiteralPart(Span(start, _pos), "$", inDoubleQuotes);
        }
    }

    private ParameterPart ParseBracedParameter(StringBuilder sb)
    {
        var start = _pos;
        _pos += 2;
        EnterDepth(start);
        var nameStart = _pos;
        if (_pos < _s.Length && _s[_pos] is '#' or '!')
        {
            _pos++;
        }

        while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] == '_'))
        {
            _pos++;
        }

        if (_pos == nameStart + (_pos > nameStart && _s[nameStart] is '#' or '!' ? 1 : 0) && _pos < _s.Length && _s[_pos] is '@' or '*' or '?' or '-' or '$' or '#' or '!')
        {
            _pos++;
        }

        var name = _s.Substring(nameStart, _pos - nameStart);
        var inner = new List<WordPart>();
        var scratch = RentBuilder();
        var innerStatic = true;
        var braces = 0;
        while (true)
        {
            if (_pos >= _s.Length)
            {
                throw Error(start, "'${' is not closed");
            }

            var c = _s[_pos];
            if (c == '}' && braces == 0)
            {
                _pos++;
                break;
            }

            switch (c)
            {
                case '{':
                    braces++;
                    _pos++;
                    break;
                case '}':
                    braces--;
                    _pos++;
                    break;
                case '\\':
                    _pos = Math.Min(_pos + 2, _s.Length);
                    break;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', _pos + 1);
                        if (close < 0)
                        {
                            throw Error(_pos, "single quote is not closed");
                        }

                        _pos = close + 1;
                        break;
                    }

                case '"':
                    inner.Add(ParseDoubleQuoted(scratch, ref innerStatic));
                    break;
                case '$':
                    {
                        var part = ParseDollar(scratch, inDoubleQuotes: false, ref innerStatic);
                        if (part is not null and not LiteralPart)
                        {
                            inner.Add(part);
                        }

                        break;
                    }

                case '`':
                    inner.Add(ParseBacktick(scratch));
                    break;
                default:
                    _pos++;
                    break;
            }
        }

        ReturnBuilder();
        _depth--;
        var source = _s.Substring(start, _pos - start);

        // ${NAME} reads the same as $NAME; other forms are kept as written.
        var simple = name.Length > 0 && _pos - start == name.Length + 3 && (char.IsAsciiLetter(name[0]) || name[0] == '_');
        sb.Append(simple ? "$" + name : source);
        return new ParameterPart(Span(start, _pos), name, source, inner);
    }

    private string ParseAnsiC()
    {
        var start = _pos;
        _pos += 2;
        var sb = RentBuilder();
        var truncated = false;
        while (true)
        {
            if (_pos >= _s.Length)
            {
                throw Error(start, "$' quote is not closed");
            }

            var c = _s[_pos];
            if (c == '\'')
            {
                _pos++;
                break;
            }

            if (c != '\\' || _pos + 1 >= _s.Length)
            {
                if (!truncated)
                {
                    sb.Append(c);
                }

                _pos++;
                continue;
            }

            var e = _s[_pos + 1];
            _pos += 2;
            int code;
            switch (e)
            {
                case 'n': code = '\n'; break;
                case 't': code = '\t'; break;
                case 'r': code = '\r'; break;
                case 'a': code = 7; break;
                case 'b': code = 8; break;
                case 'e' or 'E': code = 27; break;
                case 'f': code = 12; break;
                case 'v': code = 11; break;
                case 'x': code = ReadHex(2); break;
                case 'u': code = ReadHex(4); break;
                case 'U': code = ReadHex(8); break;
                case 'c':
                    code = _pos < _s.Length ? _s[_pos++] & 0x1f : 'c';
                    break;
                case >= '0' and <= '7':
                    code = e - '0';
                    for (var i = 0; i < 2 && _pos < _s.Length && _s[_pos] is >= '0' and <= '7'; i++)
                    {
                        code = (code * 8) + (_s[_pos++] - '0');
                    }

                    break;
                default:
                    // \\, \', \", \? and unknown escapes: the character itself (unknown ones keep the backslash).
                    if (e is not ('\\' or '\'' or '"' or '?'))
                    {
                        sb.Append('\\');
                    }

                    code = e;
                    break;
            }

            if (code < 0)
            {
                // \x, \u, \U without digits stay as written.
                if (!truncated)
                {
                    sb.Append('\\').Append(e);
                }

                continue;
            }

            if (code == 0)
            {
                // bash ends the string at a NUL byte.
                truncated = true;
            }

            if (!truncated)
            {
                if (code is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
                {
                    throw Error(start, "$' quote holds an invalid character code");
                }

                sb.Append(char.ConvertFromUtf32(code));
            }
        }

        var value = sb.ToString();
        ReturnBuilder();
        return value;
    }

    private int ReadHex(int max)
    {
        var value = 0;
        var digits = 0;
        while (digits < max && _pos < _s.Length && char.IsAsciiHexDigit(_s[_pos]))
        {
            var h = _s[_pos];
            value = (value * 16) + (char.IsAsciiDigit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
            _pos++;
            digits++;
        }

        return digits == 0 ? -1 : value;
    }

    private CommandSubstitutionPart ParseBacktick(StringBuilder sb)
    {
        var start = _pos;
        _pos++;
        var inner = RentBuilder();
        while (true)
        {
            if (_pos >= _s.Length)
            {
                throw Error(start, "backquote is not closed");
            }

            var c = _s[_pos];
            if (c == '`')
            {
                _pos++;
                break;
            }

            if (c == '\\' && _pos + 1 < _s.Length && _s[_pos + 1] is '`' or '\\' or '$')
            {
                inner.Append(_s[_pos + 1]);
                _pos += 2;
                continue;
            }

            inner.Append(c);
            _pos++;
        }

        var body = inner.ToString();
        ReturnBuilder();
        if (_depth + 1 > _maxDepth)
        {
            throw Error(start, $"nesting is deeper than {_maxDepth} levels");
        }

        var nested = new ShellSyntaxParser(body, _depth + 1, _maxDepth, _base + start + 1);
        var list = nested.ParseProgram();
        sb.Append(_s, start, _pos - start);
        return new CommandSubstitutionPart(Span(start, _pos), list, true);
    }

    private ProcessSubstitutionPart ParseProcessSubstitution()
    {
        var start = _pos;
        var input = _s[_pos] == '<';
        _pos += 2;
        EnterDepth(start);
        var body = ParseList();
        Expect(')', start, $"'{(input ? '<' : '>')}(' is not closed");
        _depth--;
        return new ProcessSubstitutionPart(Span(start, _pos), body, input);
    }

    /// <summary>
    /// Finds the <c>))</c> closing an arithmetic expression whose text starts at <paramref name="from"/>.
    /// False when the parentheses close with a single <c>)</c> (then it was <c>$( (...) )</c>, a subshell).
    /// </summary>
    private bool TryFindArithmeticEnd(int from, out int end)
    {
        var depth = 0;
        var p = from;
        while (p < _s.Length)
        {
            var c = _s[p];
            switch (c)
            {
                case '\\':
                    p += 2;
                    continue;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', p + 1);
                        if (close < 0)
                        {
                            end = -1;
                            return false;
                        }

                        p = close + 1;
                        continue;
                    }

                case '"':
                    p++;
                    while (p < _s.Length && _s[p] != '"')
                    {
                        p += _s[p] == '\\' ? 2 : 1;
                    }

                    p++;
                    continue;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (depth == 0)
                    {
                        end = p;
                        return p + 1 < _s.Length && _s[p + 1] == ')';
                    }

                    depth--;
                    break;
            }

            p++;
        }

        end = -1;
        return false;
    }

    /// <summary>The expression of <c>$((...))</c> or <c>((...))</c> as a word, with the substitutions nested in it.</summary>
    private WordNode ParseArithmeticBody(int start, int from, int end)
    {
        EnterDepth(start);
        var saved = _pos;
        _pos = from;
        var parts = new List<WordPart>();
        var scratch = RentBuilder();
        var isStatic = true;
        while (_pos < end)
        {
            var c = _s[_pos];
            switch (c)
            {
                case '$':
                    {
                        var part = ParseDollar(scratch, inDoubleQuotes: false, ref isStatic);
                        if (part is not null and not LiteralPart)
                        {
                            parts.Add(part);
                        }

                        break;
                    }

                case '`':
                    parts.Add(ParseBacktick(scratch));
                    break;
                case '\\':
                    _pos += 2;
                    break;
                case '\'':
                    {
                        var close = _s.IndexOf('\'', _pos + 1);
                        _pos = close < 0 || close >= end ? end : close + 1;
                        break;
                    }
                default:
                    _pos++;
                    break;
            }
        }

        ReturnBuilder();
        _pos = saved;
        _depth--;
        var text = _s.Substring(from, end - from);
        return new WordNode(Span(from, end), parts, text, parts.Count == 0, false);
    }

    // ---------------------------------------------------------------- lexical helpers

    private static bool IsMeta(char c) => c is ' ' or '\t' or '\n' or '\r' or ';' or '&' or '|' or '<' or '>' or '(' or ')';

    // The metacharacters of IsMeta and the quoting and expansion characters: what ends a plain word.
    private static readonly SearchValues<char> s_notPlainWordChars = SearchValues.Create(" \t\n\r;&|<>()\\'\"$`");

    private bool IsWordEnd(int p) => IsMeta(_s[p]);

    private bool IsProcessSubstitutionStart(int p) =>
        p + 1 < _s.Length && _s[p] is '<' or '>' && _s[p + 1] == '(';

    private char Peek(int ahead) => _pos + ahead < _s.Length ? _s[_pos + ahead] : '\0';

    // The parser asks for the reserved word at the same position several times (list end, pipeline, command).
    private int _peekedAt = -1;
    private string? _peeked;

    /// <summary>A reserved word at the current position (unquoted, followed by a delimiter), or null.</summary>
    private string? PeekReservedWord()
    {
        if (_peekedAt != _pos)
        {
            _peeked = FindReservedWord();
            _peekedAt = _pos;
        }

        return _peeked;
    }

    private string? FindReservedWord()
    {
        if (_pos >= _s.Length)
        {
            return null;
        }

        var c = _s[_pos];
        if (c is '{' or '}' or '!')
        {
            var next = Peek(1);
            if (next == '\0' || next is ' ' or '\t' or '\n' or '\r' || (c != '{' && IsMeta(next)))
            {
                return c switch { '{' => "{", '}' => "}", _ => "!" };
            }

            return null;
        }

        if (c == '[' && Peek(1) == '[' && Peek(2) is ' ' or '\t' or '\n')
        {
            return "[[";
        }

        if (!char.IsAsciiLetterLower(c))
        {
            return null;
        }

        var p = _pos;
        while (p < _s.Length && char.IsAsciiLetterLower(_s[p]))
        {
            p++;
        }

        if (p < _s.Length && !IsMeta(_s[p]))
        {
            return null;
        }

        var length = p - _pos;
        return length switch
        {
            2 when Is("if") => "if",
            2 when Is("fi") => "fi",
            2 when Is("do") => "do",
            2 when Is("in") => "in",
            3 when Is("for") => "for",
            4 when Is("then") => "then",
            4 when Is("else") => "else",
            4 when Is("elif") => "elif",
            4 when Is("done") => "done",
            4 when Is("case") => "case",
            4 when Is("esac") => "esac",
            4 when Is("time") => "time",
            5 when Is("while") => "while",
            5 when Is("until") => "until",
            6 when Is("select") => "select",
            8 when Is("function") => "function",
            _ => null,
        };

        bool Is(string keyword) => string.CompareOrdinal(_s, _pos, keyword, 0, keyword.Length) == 0;
    }

    private bool TryAssignmentName(int wordStart, WordNode word, out string name)
    {
        name = "";
        if (word.Parts.Count == 0 || word.Parts[0] is not LiteralPart { Quoted: false } first)
        {
            return false;
        }

        var text = first.Value;
        if (text.Length < 2 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '=' || (c == '+' && i + 1 < text.Length && text[i + 1] == '='))
            {
                // The literal must be written as is (no escapes) up to the '='.
                if (string.CompareOrdinal(_s, wordStart, text, 0, i) != 0)
                {
                    return false;
                }

                name = text[..i];
                return true;
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return false;
    }

    private void SkipBlanks()
    {
        // Most calls find a word or an operator right away.
        if (_pos < _s.Length && _s[_pos] is not (' ' or '\t' or '\r' or '\\' or '#'))
        {
            return;
        }

        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c is ' ' or '\t' or '\r')
            {
                _pos++;
            }
            else if (c == '\\' && Peek(1) == '\n')
            {
                _pos += 2;
            }
            else if (c == '#')
            {
                var nl = _s.IndexOf('\n', _pos);
                _pos = nl < 0 ? _s.Length : nl;
            }
            else
            {
                break;
            }
        }
    }

    private void SkipBlanksAndNewlines()
    {
        while (true)
        {
            SkipBlanks();
            if (_pos < _s.Length && _s[_pos] == '\n')
            {
                ConsumeNewline();
                continue;
            }

            break;
        }
    }

    private void ConsumeNewline()
    {
        if (_pos == _hereDocLineEnd)
        {
            _pos = _hereDocResume;
            _hereDocLineEnd = -1;
            return;
        }

        _pos++;
    }

    private void Expect(char c, int openedAt, string message)
    {
        SkipBlanks();
        if (_pos >= _s.Length || _s[_pos] != c)
        {
            throw Error(openedAt, message);
        }

        _pos++;
    }

    private void ExpectKeyword(string keyword, int openedAt, string message)
    {
        SkipBlanksAndNewlines();
        if (PeekReservedWord() != keyword)
        {
            throw Error(_pos < _s.Length ? _pos : openedAt, _pos < _s.Length ? $"{message} (found '{Describe(_pos)}')" : message);
        }

        _pos += keyword.Length;
    }

    private void EnterDepth(int at)
    {
        if (++_depth > _maxDepth)
        {
            throw Error(at, $"nesting is deeper than {_maxDepth} levels");
        }
    }

    private string Describe(int p)
    {
        if (p >= _s.Length)
        {
            return "end of text";
        }

        var end = p;
        while (end < _s.Length && end - p < 12 && _s[end] != '\n')
        {
            end++;
        }

        return end == p ? "newline" : _s[p..end];
    }

    private TextSpan Span(int start, int end) => new(start + _base, end - start);

    private ShellSyntaxException Error(int offset, string message) => new(offset + _base, message);

    private StringBuilder RentBuilder()
    {
        if (_buildersInUse == _builders.Count)
        {
            _builders.Add(new StringBuilder(64));
        }

        var sb = _builders[_buildersInUse++];
        sb.Clear();
        return sb;
    }

    private void ReturnBuilder() => _buildersInUse--;

    /// <summary>Keeps two free lists: enough for flat scripts and a quoted part in a word; deeper nesting makes its own.</summary>
    private struct ListPool<T>
    {
        private List<T>? _free;
        private List<T>? _spare;

        public List<T> Rent()
        {
            List<T> list;
            if (_free is not null)
            {
                list = _free;
                _free = null;
            }
            else if (_spare is not null)
            {
                list = _spare;
                _spare = null;
            }
            else
            {
                list = new List<T>(4);
            }

            return list;
        }

        public T[] ToArrayAndReturn(List<T> list)
        {
            T[] array = list.Count == 0 ? [] : list.ToArray();
            list.Clear();
            if (_free is null)
            {
                _free = list;
            }
            else
            {
                _spare = list;
            }

            return array;
        }
    }
}
