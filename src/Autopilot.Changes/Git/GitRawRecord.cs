using System.Text;
using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>One record of <c>git diff --raw -z --no-abbrev</c>: modes, blob ids, status and paths, unquoted.</summary>
internal sealed record GitRawRecord(GitFileMode OldMode, GitFileMode NewMode, string OldId, string NewId, char Status, int? Score, string? OldPath, string? NewPath)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    public string Key => NewPath ?? OldPath ?? "";

    /// <summary>Parses ":100644 100644 &lt;id&gt; &lt;id&gt; M\0path\0" records (R and C carry two paths).</summary>
    public static List<GitRawRecord> ParseAll(byte[] output)
    {
        var records = new List<GitRawRecord>();
        var position = 0;
        while (position < output.Length)
        {
            var meta = NextToken(output, ref position);
            if (meta.Length == 0)
            {
                continue;
            }

            if (meta[0] != ':')
            {
                throw new ChangeSetException($"unexpected output from 'git diff --raw': '{meta}'");
            }

            var parts = meta[1..].Split(' ');
            if (parts.Length != 5 || !GitFileMode.TryParse(parts[0], out var oldMode) || !GitFileMode.TryParse(parts[1], out var newMode))
            {
                throw new ChangeSetException($"unexpected record from 'git diff --raw': '{meta}'");
            }

            var status = parts[4][0];
            int? score = parts[4].Length > 1 && int.TryParse(parts[4].AsSpan(1), out var s) ? s : null;
            var first = NextToken(output, ref position);
            string? second = status is 'R' or 'C' ? NextToken(output, ref position) : null;
            records.Add(status switch
            {
                'A' => new GitRawRecord(oldMode, newMode, parts[2], parts[3], status, score, null, first),
                'D' => new GitRawRecord(oldMode, newMode, parts[2], parts[3], status, score, first, null),
                'R' or 'C' => new GitRawRecord(oldMode, newMode, parts[2], parts[3], status, score, first, second),
                _ => new GitRawRecord(oldMode, newMode, parts[2], parts[3], status, score, first, first),
            });
        }

        return records;
    }

    public ChangeKind Kind => Status switch
    {
        'A' => ChangeKind.Added,
        'D' => ChangeKind.Deleted,
        'R' => ChangeKind.Renamed,
        'C' => ChangeKind.Copied,
        'T' => ChangeKind.TypeChanged,
        'M' => ChangeKind.Modified,
        'U' => throw new ChangeSetException("the file has an unresolved merge conflict: resolve it (and stage the result) first", path: Key),
        _ => throw new ChangeSetException($"git reported an unknown change status '{Status}'", path: Key),
    };

    private static string NextToken(byte[] output, ref int position)
    {
        var end = Array.IndexOf(output, (byte)0, position);
        if (end < 0)
        {
            end = output.Length;
        }

        var bytes = output.AsSpan(position, end - position);
        position = end + 1;
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new ChangeSetException(
                $"a path is not valid UTF-8 ('{Encoding.UTF8.GetString(bytes)}'); rename the file to a UTF-8 name",
                inner: ex);
        }
    }
}
