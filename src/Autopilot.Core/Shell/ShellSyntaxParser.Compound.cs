using System.Text;

namespace Autopilot.Core.Shell;

/// <summary>The parser: compound commands (functions, groups, if, loops, for, case, [[ ]]).</summary>
internal sealed partial class ShellSyntaxParser
{
    private FunctionDefNode ParseFunctionAfterName(int start, WordNode nameWord)
    {
        var open = _pos;
        _pos++;
        SkipBlanks();
        Expect(')', open, "function definition needs '()'");
        return ParseFunctionBody(start, nameWord.Text);
    }

    /// <summary>The body of a function whose name (and <c>()</c>, if any) was read, and its redirects.</summary>
    private FunctionDefNode ParseFunctionBody(int start, string name)
    {
        SkipBlanksAndNewlines();
        EnterDepth(start);
        var body = ParseCommand();
        _depth--;
        return new FunctionDefNode(Span(start, _pos), name, body, ParseTrailingRedirects());
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

        return ParseFunctionBody(start, name.Text);
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
}
