using System.Text;

namespace Autopilot.Core.Shell;

/// <summary>The parser: redirections and here-documents.</summary>
internal sealed partial class ShellSyntaxParser
{
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
}
