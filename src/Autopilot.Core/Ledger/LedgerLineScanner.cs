using Microsoft.Win32.SafeHandles;

namespace Autopilot.Core.Ledger;

/// <summary>Reads whole lines from a region of the ledger file in chunks, without loading the file at once.</summary>
internal static class LedgerLineScanner
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Calls <paramref name="onLine"/> for each newline-terminated line in [<paramref name="start"/>,
    /// <paramref name="end"/>) with the line (no newline) and its file offset. Returns the offset
    /// where the partial line after the last newline begins (== end when there is none).
    /// </summary>
    public static long Scan(SafeFileHandle handle, long start, long end, Action<ReadOnlyMemory<byte>, long> onLine)
    {
        byte[] buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(end - start, 1))];
        int filled = 0;
        long bufferOffset = start;
        long position = start;
        while (position < end)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int want = (int)Math.Min(buffer.Length - filled, end - position);
            int read = RandomAccess.Read(handle, buffer.AsSpan(filled, want), position);
            if (read == 0)
            {
                break;
            }

            position += read;
            filled += read;

            int lineStart = 0;
            int searchFrom = filled - read;
            while (true)
            {
                int newline = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                newline += searchFrom;
                onLine(buffer.AsMemory(lineStart, newline - lineStart), bufferOffset + lineStart);
                lineStart = newline + 1;
                searchFrom = lineStart;
            }

            if (lineStart > 0)
            {
                // Callers copy what they keep, so the consumed lines can be overwritten.
                buffer.AsSpan(lineStart, filled - lineStart).CopyTo(buffer);
                filled -= lineStart;
                bufferOffset += lineStart;
            }
        }

        return bufferOffset;
    }
}
