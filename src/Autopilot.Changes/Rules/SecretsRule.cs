using System.Text.RegularExpressions;
using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Core.Secrets;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// secrets: added lines must not carry credentials — the well-known formats of <see cref="SecretDetectors"/>,
/// any extra regexes in Patterns, and assignments of high-entropy values to secret-sounding names (entropy over
/// Threshold, default 3.5 bits per character). A line containing Marker (default <c>autopilot:allow-secret</c>)
/// is skipped. Allow entries are path globs (<c>path:</c> prefix, or no regex characters) that exempt files, or
/// regexes (<c>re:</c> prefix, or containing <c>\ ^ $ ( ) | +</c>) that exempt a matched value. Paths, when given,
/// limits the files scanned. Only the first <see cref="MaxScanBytesPerFile"/> of a file's added text is scanned;
/// a file scanned in part (or whose lines were not all kept) gets a warning saying so. Messages never repeat
/// the secret: only its first characters.
/// </summary>
internal sealed class SecretsRule : DiffRule
{
    public const string DefaultMarker = "autopilot:allow-secret";
    public const long MaxScanBytesPerFile = 1024 * 1024;


    private readonly GlobSet _paths;
    private readonly GlobSet _allowedPaths;
    private readonly List<Regex> _allowedValues = [];
    private readonly List<(string Name, Regex Pattern)> _detectors;
    private readonly string _marker;
    private readonly double _threshold;

    public SecretsRule(DiffRuleDef def)
        : base(def)
    {
        _paths = GlobSet.Create(def.Paths);
        _marker = string.IsNullOrWhiteSpace(def.Marker) ? DefaultMarker : def.Marker;
        _threshold = def.Threshold ?? SecretDetectors.DefaultEntropyThreshold;
        if (_threshold is <= 0 or > 16 || double.IsNaN(_threshold))
        {
            throw new FormatException($"'threshold' {_threshold} is not an entropy in bits per character (0 < t <= 16)");
        }

        var globs = new List<string>();
        foreach (var entry in def.Allow)
        {
            if (entry.StartsWith("path:", StringComparison.Ordinal))
            {
                globs.Add(entry[5..]);
            }
            else if (entry.StartsWith("re:", StringComparison.Ordinal) || entry.IndexOfAny(['\\', '^', '$', '(', ')', '|', '+']) >= 0)
            {
                _allowedValues.Add(Compile(entry.StartsWith("re:", StringComparison.Ordinal) ? entry[3..] : entry, "allow"));
            }
            else
            {
                globs.Add(entry);
            }
        }

        _allowedPaths = GlobSet.Create(globs);
        _detectors = [.. SecretDetectors.Formats];
        foreach (var pattern in def.Patterns)
        {
            _detectors.Add(($"pattern '{pattern}'", Compile(pattern, "patterns")));
        }
    }

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        foreach (var file in context.Changes.Files)
        {
            if (file.IsBinary || file.IsSubmodule || file.NewPath is null || file.AddedCount == 0
                || (!_paths.IsEmpty && !_paths.IsMatchUnderRoot(file.NewPath)) || Exclude.IsMatchUnderRoot(file.NewPath) || _allowedPaths.IsMatchUnderRoot(file.NewPath))
            {
                continue;
            }

            long scanned = 0;
            var partial = file.LinesTruncated;
            foreach (var line in file.AddedLines)
            {
                if (scanned >= MaxScanBytesPerFile)
                {
                    partial = true;
                    break;
                }

                scanned += line.Text.Length;
                partial |= line.IsTruncated;
                if (!line.Text.Contains(_marker, StringComparison.Ordinal))
                {
                    ScanLine(file.NewPath, line, findings);
                }
            }

            if (partial)
            {
                findings.Add(Report(
                    $"'{file.NewPath}' was scanned for secrets only in part (the first {Math.Min(scanned, MaxScanBytesPerFile) / 1024} KiB of added text, long lines cut): review the rest by hand",
                    At(file),
                    Severity.Warning));
            }
        }
    }

    private void ScanLine(string path, DiffLine line, List<Finding> findings)
    {
        var text = line.Text;
        foreach (var (name, pattern) in _detectors)
        {
            Match match;
            try
            {
                match = pattern.Match(text);
            }
            catch (RegexMatchTimeoutException)
            {
                findings.Add(Report($"the {name} check took too long on this line; treat the line as suspect and simplify the pattern", new SourceLocation(path, line.NewLine, 1)));
                continue;
            }

            if (match.Success && !IsAllowed(match.Value))
            {
                findings.Add(Report(
                    $"a {name} ('{SecretDetectors.Redact(match.Value)}') in an added line: remove it, rotate it, and load it from a secret store (or mark a false positive with '{_marker}')",
                    new SourceLocation(path, line.NewLine, match.Index + 1) { Length = match.Length, Offset = match.Index }));
                return;   // one finding per line is enough to act on
            }
        }

        // Keyword assignments: cheap pre-check before the regex.
        foreach (Match match in SecretDetectors.Assignment().Matches(text))
        {
            var value = match.Groups["value"];
            var quoted = match.Groups["quote"].Length > 0;
            if (SecretDetectors.IsPlaceholder(value.Value, quoted) || IsAllowed(value.Value))
            {
                continue;
            }

            var entropy = SecretDetectors.Entropy(value.ValueSpan);
            if (entropy >= _threshold)
            {
                findings.Add(Report(
                    $"a high-entropy value ({entropy:0.0} bits/char, threshold {_threshold:0.0}) is assigned to '{KeyOf(match.Value)}' ('{SecretDetectors.Redact(value.Value)}'): load it from a secret store or the environment (or mark a false positive with '{_marker}')",
                    new SourceLocation(path, line.NewLine, value.Index + 1) { Length = value.Length, Offset = value.Index }));
                return;
            }
        }
    }

    private bool IsAllowed(string value)
    {
        foreach (var allowed in _allowedValues)
        {
            try
            {
                if (allowed.IsMatch(value))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        return false;
    }

    private static string KeyOf(string assignment)
    {
        var end = assignment.IndexOfAny([':', '=', ' ', '"', '\'']);
        return end > 0 ? assignment[..end] : assignment;
    }

    private static Regex Compile(string pattern, string field)
    {
        try
        {
            return PolicyRegex.ForText(pattern);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"'{field}' entry '{pattern}' is not a valid regex: {ex.Message}");
        }
    }
}
