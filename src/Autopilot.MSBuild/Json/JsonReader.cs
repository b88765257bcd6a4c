using System.Globalization;
using System.Text;

namespace Autopilot.MSBuild.Json;

/// <summary>
/// A small, strict JSON reader for the tool's decision. The task runs inside every MSBuild (also
/// .NET Framework MSBuild in Visual Studio), where System.Text.Json is not reliably loadable by a task;
/// reading the few documented names ourselves keeps the package free of dependencies.
/// Objects become <see cref="Dictionary{TKey, TValue}"/>, arrays <see cref="List{T}"/>, numbers
/// <see cref="double"/>, and true/false/null <see cref="bool"/> and null.
/// </summary>
internal sealed class JsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;

    private JsonReader(string text) => _text = text;

    /// <summary>Parses one JSON value that fills the whole text (whitespace aside).</summary>
    /// <exception cref="FormatException">The text is not JSON; the message names the offset.</exception>
    public static object? Parse(string text)
    {
        var reader = new JsonReader(text);
        reader.SkipWhitespace();
        var value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._pos != text.Length)
        {
            throw reader.Error("unexpected text after the JSON value");
        }

        return value;
    }

    private object? ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("nesting too deep");
        }

        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of text");
        }

        switch (_text[_pos])
        {
            case '{': return ReadObject(depth);
            case '[': return ReadArray(depth);
            case '"': return ReadString();
            case 't': ReadWord("true"); return true;
            case 'f': ReadWord("false"); return false;
            case 'n': ReadWord("null"); return null;
            default: return ReadNumber();
        }
    }

    private Dictionary<string, object?> ReadObject(int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        _pos++;
        SkipWhitespace();
        if (TryConsume('}'))
        {
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                throw Error("expected a property name");
            }

            var name = ReadString();
            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            result[name] = ReadValue(depth + 1);
            SkipWhitespace();
            if (TryConsume('}'))
            {
                return result;
            }

            Expect(',');
        }
    }

    private List<object?> ReadArray(int depth)
    {
        var result = new List<object?>();
        _pos++;
        SkipWhitespace();
        if (TryConsume(']'))
        {
            return result;
        }

        while (true)
        {
            SkipWhitespace();
            result.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (TryConsume(']'))
            {
                return result;
            }

            Expect(',');
        }
    }

    private string ReadString()
    {
        _pos++; // the opening quote
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var c = _text[_pos++];
            if (c == '"')
            {
                return builder.ToString();
            }

            if (c < ' ')
            {
                throw Error("control character in a string");
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                throw Error("unterminated escape");
            }

            var escape = _text[_pos++];
            switch (escape)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("bad \\u escape");
                    }

                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw Error($"unknown escape '\\{escape}'");
            }
        }
    }

    private double ReadNumber()
    {
        var start = _pos;
        while (_pos < _text.Length && "+-0123456789.eE".IndexOf(_text[_pos]) >= 0)
        {
            _pos++;
        }

        if (_pos == start
            || !double.TryParse(_text.Substring(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            _pos = start;
            throw Error("expected a value");
        }

        return number;
    }

    private void ReadWord(string word)
    {
        if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) != 0)
        {
            throw Error("expected a value");
        }

        _pos += word.Length;
    }

    private bool TryConsume(char c)
    {
        if (_pos < _text.Length && _text[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        if (!TryConsume(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && (_text[_pos] == ' ' || _text[_pos] == '\t' || _text[_pos] == '\n' || _text[_pos] == '\r'))
        {
            _pos++;
        }
    }

    private FormatException Error(string what) => new($"Invalid JSON at offset {_pos}: {what}.");
}
