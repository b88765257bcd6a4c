using System.Text;
using Autopilot.Core.Storage;

namespace Autopilot.Core.Attestation;

/// <summary>Builds subject maps (name → SHA-256) from files or text, and compares them.</summary>
public static class AttestationSubjects
{
    /// <summary>Hashes each file's content; the subject name is its path relative to <paramref name="baseDirectory"/>, with '/' separators.</summary>
    public static IReadOnlyDictionary<string, string> FromFiles(IEnumerable<string> paths, string baseDirectory)
    {
        var subjects = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            string full = Path.GetFullPath(path, baseDirectory);
            string name = Path.GetRelativePath(baseDirectory, full).Replace('\\', '/');
            subjects[name] = DurableFile.Sha256HexOfFile(full);
        }

        return subjects;
    }

    /// <summary>
    /// Subjects given as <c>name=sha256</c> pairs, added to (and replacing in) <paramref name="subjects"/>; the hash is
    /// kept in lower case.
    /// </summary>
    /// <exception cref="FormatException">A pair has no name or no '='.</exception>
    public static IReadOnlyDictionary<string, string> WithPairs(IReadOnlyDictionary<string, string> subjects, IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(pairs);
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, hash) in subjects)
        {
            map[name] = hash;
        }

        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"the subject '{pair}' must be name=sha256.");
            }

            map[pair[..eq]] = pair[(eq + 1)..].ToLowerInvariant();
        }

        return map;
    }

    /// <summary>The hash of a text as UTF-8 (for prompts and headers held in memory).</summary>
    public static string HashText(string text) => DurableFile.Sha256Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>The drift of <paramref name="current"/> against <paramref name="recorded"/>, sorted by subject name.</summary>
    public static IReadOnlyList<SubjectDrift> Compare(IReadOnlyDictionary<string, string> recorded, IReadOnlyDictionary<string, string> current)
    {
        var drift = new List<SubjectDrift>();
        foreach (var (name, expected) in recorded)
        {
            if (!current.TryGetValue(name, out var actual))
            {
                drift.Add(new SubjectDrift(name, DriftKind.Missing, expected, null));
            }
            else if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                drift.Add(new SubjectDrift(name, DriftKind.Changed, expected, actual));
            }
        }

        foreach (var (name, actual) in current)
        {
            if (!recorded.ContainsKey(name))
            {
                drift.Add(new SubjectDrift(name, DriftKind.Added, null, actual));
            }
        }

        drift.Sort(static (a, b) => string.CompareOrdinal(a.Subject, b.Subject));
        return drift;
    }

    internal static void Validate(IReadOnlyDictionary<string, string> subjects)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        if (subjects.Count == 0)
        {
            throw new ArgumentException("an attestation needs at least one subject", nameof(subjects));
        }

        foreach (var (name, hash) in subjects)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("a subject needs a name", nameof(subjects));
            }

            if (!DurableFile.IsSha256Hex(hash))
            {
                throw new ArgumentException($"subject '{name}' must carry a lower-case hex SHA-256, got '{hash}'", nameof(subjects));
            }
        }
    }
}
