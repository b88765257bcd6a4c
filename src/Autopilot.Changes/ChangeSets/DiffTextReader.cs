using System.Buffers;
using System.Text;

namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// Reads diff text line by line from a stream without holding more than one line: strict UTF-8, CR before LF
/// noted and removed, over-long lines cut to a bound, NUL bytes refused (binary data is not diff text).
/// </summary>
internal sealed class DiffTextReader : IDisposable
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer;
    private byte[] _line;
    private int _position;
    private int _length;
    private bool _endOfStream;
    private int _lineNumber;
    private TextLine? _peeked;

    public DiffTextReader(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _maxLineBytes = Math.Max(16, maxLineBytes);
        _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        _line = ArrayPool<byte>.Shared.Rent(Math.Min(_maxLineBytes, 4096));
    }

    /// <summary>The file being read, for error messages.</summary>
    public string? CurrentPath { get; set; }

    /// <summary>Number of the last line handed out (1-based).</summary>
    public int LineNumber => _peeked is null ? _lineNumber : _lineNumber - 1;

    public bool TryPeek(out TextLine line)
    {
        if (_peeked is null)
        {
            if (!TryReadCore(out var next))
            {
                line = default;
                return false;
            }

            _peeked = next;
        }

        line = _peeked.Value;
        return true;
    }

    public bool TryRead(out TextLine line)
    {
        if (_peeked is { } peeked)
        {
            _peeked = null;
            line = peeked;
            return true;
        }

        return TryReadCore(out line);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_line);
    }

    private bool TryReadCore(out TextLine line)
    {
        var count = 0;
        var truncated = false;
        var sawAny = false;
        while (true)
        {
            if (_position == _length)
            {
                if (_endOfStream || !Fill())
                {
                    if (!sawAny)
                    {
                        line = default;
                        return false;
                    }

                    break;
                }
            }

            sawAny = true;
            var available = _buffer.AsSpan(_position, _length - _position);
            var newline = available.IndexOf((byte)'\n');
            var segment = newline >= 0 ? available[..newline] : available;
            if (segment.Contains((byte)0))
            {
                throw new ChangeSetException(
                    "the input contains a NUL byte: this is binary data, not diff text (for binary files git prints 'Binary files ... differ')",
                    _lineNumber + 1,
                    CurrentPath);
            }

            var keep = Math.Min(segment.Length, _maxLineBytes - count);
            if (keep < segment.Length)
            {
                truncated = true;
            }

            if (keep > 0)
            {
                EnsureLineCapacity(count + keep);
                segment[..keep].CopyTo(_line.AsSpan(count));
                count += keep;
            }

            _position += segment.Length + (newline >= 0 ? 1 : 0);
            if (newline >= 0)
            {
                break;
            }
        }

        _lineNumber++;
        var hasCr = !truncated && count > 0 && _line[count - 1] == (byte)'\r';
        if (hasCr)
        {
            count--;
        }

        line = new TextLine(Decode(_line.AsSpan(0, count), truncated), _lineNumber, hasCr, truncated);
        return true;
    }

    private string Decode(ReadOnlySpan<byte> bytes, bool truncated)
    {
        if (truncated)
        {
            // The cut may fall inside a multi-byte sequence: drop up to three trailing bytes to reach a whole character.
            for (var drop = 1; drop <= 3 && drop < bytes.Length; drop++)
            {
                if (IsValid(bytes))
                {
                    break;
                }

                bytes = bytes[..^1];
            }
        }

        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ChangeSetException(
                $"the text is not valid UTF-8 (byte {ex.Index + 1} of the line); Autopilot reads diffs as UTF-8: convert the file to UTF-8, or mark it binary for git in .gitattributes (e.g. '*.dat -diff')",
                _lineNumber,
                CurrentPath,
                ex);
        }
    }

    private static bool IsValid(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private bool Fill()
    {
        _position = 0;
        _length = _stream.Read(_buffer, 0, _buffer.Length);
        if (_length == 0)
        {
            _endOfStream = true;
            return false;
        }

        return true;
    }

    private void EnsureLineCapacity(int size)
    {
        if (size <= _line.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(size, Math.Min(_maxLineBytes, _line.Length * 2)));
        _line.AsSpan().CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_line);
        _line = bigger;
    }
}

/// <summary>One line of diff text: no terminator; <see cref="Number"/> is 1-based.</summary>
internal readonly record struct TextLine(string Text, int Number, bool HasCr, bool Truncated);
