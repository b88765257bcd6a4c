using System.Text;

namespace Autopilot.Core.Shell;

/// <summary>The parser: words, quoting and command substitution.</summary>
internal sealed partial class ShellSyntaxParser
{
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
}
