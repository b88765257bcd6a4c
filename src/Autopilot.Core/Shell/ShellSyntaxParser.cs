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
/// One pass over the characters; here-document bodies are found when their line ends. The grammar is split by
/// construct: lists and pipelines here, then Commands, Compound, Redirections, Words and Expansions.
/// </summary>
/// <remarks>
/// <para><c>_base</c> shifts offsets when the text is a piece of a larger one (backtick bodies),
/// so that spans and errors point into the text the caller gave.</para>
/// <para>Nesting of lists, substitutions and compound commands is capped at <c>_maxDepth</c>
/// so that hostile input cannot exhaust the stack.</para>
/// </remarks>
internal sealed partial class ShellSyntaxParser
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
