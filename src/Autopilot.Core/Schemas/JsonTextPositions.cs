namespace Autopilot.Core.Schemas;

/// <summary>
/// Newtonsoft reports the column of a value's last character (the closing quote, the last digit, the
/// colon after a property name). People expect the column where the value starts: this walks back
/// along the line to find it.
/// </summary>
internal sealed class JsonTextPositions(string text)
{
    private readonly string _text = text;
    private int[]? _lineStarts;

    /// <summary>1-based start column of the token whose last character is at (<paramref name="line"/>, <paramref name="lastColumn"/>).</summary>
    public int StartColumn(int line, int lastColumn)
    {
        var starts = _lineStarts ??= LineStarts(_text);
        if (line < 1 || line > starts.Length || lastColumn < 1)
        {
            return Math.Max(1, lastColumn);
        }

        var lineStart = starts[line - 1];
        var i = lineStart + lastColumn - 1;
        if (i >= _text.Length)
        {
            return lastColumn;
        }

        if (_text[i] == ':')
        {
            // A property: step back over blanks to the name's closing quote.
            i--;
            while (i > lineStart && _text[i] is ' ' or '\t')
            {
                i--;
            }
        }

        if (_text[i] == '"' || _text[i] == '\'')
        {
            var quote = _text[i];
            for (var j = i - 1; j >= lineStart; j--)
            {
                if (_text[j] == quote && !IsEscaped(j, lineStart))
                {
                    return j - lineStart + 1;
                }
            }

            return lastColumn;
        }

        if (char.IsLetterOrDigit(_text[i]) || _text[i] is '.' or '-' or '+')
        {
            var j = i;
            while (j - 1 >= lineStart && (char.IsLetterOrDigit(_text[j - 1]) || _text[j - 1] is '.' or '-' or '+'))
            {
                j--;
            }

            return j - lineStart + 1;
        }

        return lastColumn;
    }

    private bool IsEscaped(int index, int lineStart)
    {
        var backslashes = 0;
        for (var k = index - 1; k >= lineStart && _text[k] == '\\'; k--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }
}
