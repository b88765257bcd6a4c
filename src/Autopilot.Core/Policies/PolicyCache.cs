using System.Security.Cryptography;
using System.Text;
using Autopilot.Core.Storage;
using Autopilot.Policy.Loading;

namespace Autopilot.Core.Policies;

/// <summary>
/// The compiled-policy cache under <c>.autopilot/cache/</c> (docs/native.md): for each policy or pack text, the YAML
/// parser's events, in a file named by the text's SHA-256. An edit changes the hash, so the old entry is simply not
/// asked for again. Each file carries its key and a SHA-256 of its payload: a file that is cut short, altered or
/// written for another text is never trusted, and is rewritten on the next successful load. The cache only saves
/// time: a folder that cannot be written leaves every load parsing the text, never a failure.
/// </summary>
internal sealed class PolicyCache : IYamlEventStore
{
    // The events' format version is part of the magic: a file of another version is not trusted (parsed again, rewritten).
    private static readonly byte[] s_magic = System.Text.Encoding.ASCII.GetBytes($"APYC{YamlEventCache.FormatVersion}\n");
    private const int HashHexLength = 64;
    private const int ChecksumLength = 32;

    private readonly string _directory;
    private readonly List<(string Hash, byte[] Events)> _offered = [];
    private readonly HashSet<string> _hits = new(StringComparer.Ordinal);

    public PolicyCache(string directory) => _directory = directory;

    /// <summary>True when the text with this hash was replayed from the cache.</summary>
    public bool WasHit(string contentHash) => _hits.Contains(contentHash);

    public static string FileName(string contentHash) => $"yaml-{contentHash}.bin";

    public byte[]? TryRead(string contentHash)
    {
        byte[]? bytes;
        try
        {
            bytes = DurableFile.ReadAllBytesOrNull(Path.Combine(_directory, FileName(contentHash)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (bytes is null)
        {
            return null;
        }

        var header = s_magic.Length + HashHexLength + ChecksumLength;
        var span = bytes.AsSpan();
        if (bytes.Length < header || !span[..s_magic.Length].SequenceEqual(s_magic)
            || Encoding.ASCII.GetString(span.Slice(s_magic.Length, HashHexLength)) != contentHash
            || !SHA256.HashData(span[header..]).AsSpan().SequenceEqual(span.Slice(s_magic.Length + HashHexLength, ChecksumLength)))
        {
            return null;
        }

        _hits.Add(contentHash);
        return span[header..].ToArray();
    }

    public void Offer(string contentHash, byte[] events) => _offered.Add((contentHash, events));

    /// <summary>Writes what this load parsed; called only when the policy compiled without errors.</summary>
    public void Commit()
    {
        foreach (var (hash, events) in _offered)
        {
            var path = Path.Combine(_directory, FileName(hash));
            var temp = $"{path}.{Environment.ProcessId}.tmp";
            try
            {
                if (!Directory.Exists(_directory))
                {
                    DurableFile.EnsureDirectory(_directory);
                    File.WriteAllText(Path.Combine(_directory, ".gitignore"), "# Autopilot's policy cache: rebuilt when missing.\n*\n");
                }

                using (var file = File.Create(temp))
                {
                    file.Write(s_magic);
                    file.Write(Encoding.ASCII.GetBytes(hash));
                    file.Write(SHA256.HashData(events));
                    file.Write(events);
                }

                File.Move(temp, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StorageException)
            {
                DurableFile.TryDelete(temp); // a read-only or full state folder: the next load parses again
            }
        }

        _offered.Clear();
    }
}
