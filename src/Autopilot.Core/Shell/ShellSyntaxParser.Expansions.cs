using System.Text;

namespace Autopilot.Core.Shell;

/// <summary>The parser: parameter expansion, ANSI-C quoting, backticks, process substitution and arithmetic.</summary>
internal sealed partial class ShellSyntaxParser
{
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
}
