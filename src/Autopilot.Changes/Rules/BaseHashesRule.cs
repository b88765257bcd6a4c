using System.Security.Cryptography;
using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// base-hashes: each SHA-256 the work order recorded for a file (<see cref="ScopeFacts.BaseHashes"/>) must equal
/// the hash of that file's bytes at the change's base (git: the base commit's blob; a diff: its base directory).
/// A mismatch means the work was planned against other contents. Without a base to read, the rule fails closed.
/// ExcludePaths exempts files.
/// </summary>
internal sealed class BaseHashesRule(DiffRuleDef def) : DiffRule(def)
{
    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        var hashes = context.Scope?.BaseHashes;
        if (hashes is null || hashes.Count == 0)
        {
            return;
        }

        if (!context.Changes.HasBase)
        {
            findings.Add(Report($"the work order records base hashes but the change ({context.Changes.Description}) has no base contents to check them against: read the change from git, or give the diff's base directory"));
            return;
        }

        foreach (var (path, recorded) in hashes.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (Exclude.IsMatchUnderRoot(path))
            {
                continue;
            }

            var location = new SourceLocation(path, 1, 1);
            var expected = recorded.Trim();
            if (expected.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
            {
                expected = expected[7..];
            }

            if (expected.Length != 64 || !expected.All(char.IsAsciiHexDigit))
            {
                findings.Add(Report($"the work order's base hash for '{path}' ('{recorded}') is not a SHA-256 hex digest", location));
                continue;
            }

            using var stream = context.Changes.OpenBase(path);
            if (stream is null)
            {
                findings.Add(Report($"the work order records a base hash for '{path}', but the file does not exist at the base: the work order was written for another base", location));
                continue;
            }

            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(Report(
                    $"'{path}' at the base (sha256:{actual[..12]}…) is not what the work order recorded (sha256:{expected.ToLowerInvariant()[..12]}…): the file changed since the work was planned; re-plan on the current base",
                    location));
            }
        }
    }
}
