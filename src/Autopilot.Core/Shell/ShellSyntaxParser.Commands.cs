using System.Text;

namespace Autopilot.Core.Shell;

/// <summary>The parser: simple commands, assignments and declared arrays (the grammar's "command").</summary>
internal sealed partial class ShellSyntaxParser
{
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
}
