using System.Text;

namespace Autopilot.Changes.ChangeSets;

/// <summary>The bytes of one side of a file, possibly only the first part of them.</summary>
public sealed record FileContent(byte[] Bytes, bool IsTruncated)
{
    /// <summary>Decodes as UTF-8 (invalid sequences become U+FFFD: this is for reading, not for judging).</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    internal static FileContent Read(Stream stream, long maxBytes)
    {
        using (stream)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            while (buffer.Length < maxBytes)
            {
                var want = (int)Math.Min(chunk.Length, maxBytes - buffer.Length);
                var read = stream.Read(chunk, 0, want);
                if (read == 0)
                {
                    return new FileContent(buffer.ToArray(), false);
                }

                buffer.Write(chunk, 0, read);
            }

            // One more byte tells whether anything was left behind.
            var more = stream.Read(chunk, 0, 1) > 0;
            return new FileContent(buffer.ToArray(), more);
        }
    }
}
