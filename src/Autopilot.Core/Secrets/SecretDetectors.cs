using System.Text;
using System.Text.RegularExpressions;

namespace Autopilot.Core.Secrets;

/// <summary>
/// Well-known credential formats and the "keyword = high-entropy value" form. The patterns are the public
/// formats documented by each issuer (prefixes and lengths), written here from those descriptions. One home: the
/// diff gate's secrets rule finds secrets with them, and the decision log masks what it records with them.
/// </summary>
internal static partial class SecretDetectors
{
    public const double DefaultEntropyThreshold = 3.5;
    public const int MinimumSecretLength = 8;

    /// <summary>Named detectors for formats with a recognisable shape.</summary>
    public static IReadOnlyList<(string Name, Regex Pattern)> Formats { get; } =
    [
        ("AWS access key id", AwsAccessKey()),
        ("GitHub token", GitHubToken()),
        ("GitLab token", GitLabToken()),
        ("Slack token", SlackToken()),
        ("Slack webhook URL", SlackWebhook()),
        ("Google API key", GoogleApiKey()),
        ("Stripe key", StripeKey()),
        ("private key block", PrivateKey()),
        ("JSON Web Token", Jwt()),
    ];

    /// <summary>Keyword (password, secret, token, api key, ...) then ':' or '=' then a value (group "value").</summary>
    [GeneratedRegex("""(?i)(?<![A-Za-z0-9])(?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|auth[_-]?token|client[_-]?secret|private[_-]?key|credentials?)(?:[A-Za-z0-9_-]*)["']?\s*(?::=|=>|[:=])\s*(?<quote>["'`]?)(?<value>[^\s"'`,;]+)\k<quote>""", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    public static partial Regex Assignment();

    /// <summary>A secret as messages may show it: its first characters and its length, never the whole.</summary>
    public static string Redact(string secret) => secret.Length <= 8 ? "****" : $"{secret[..4]}…({secret.Length} chars)";

    /// <summary>A secret as the decision log keeps it: its first characters and a mark, one shell word (a masked command still parses).</summary>
    public static string MaskedForm(string secret) => secret.Length <= 8 ? "…masked…" : $"{secret[..4]}…masked…";

    /// <summary>
    /// The text with every secret the detectors recognise replaced by <see cref="MaskedForm"/>: the well-known
    /// formats, and values assigned to secret-sounding names whose entropy reaches <paramref name="threshold"/>.
    /// </summary>
    public static string Mask(string text, double threshold = DefaultEntropyThreshold)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < MinimumSecretLength)
        {
            return text;
        }

        List<(int Start, int Length)>? spans = null;
        foreach (var (_, pattern) in Formats)
        {
            foreach (Match match in pattern.Matches(text))
            {
                (spans ??= []).Add((match.Index, match.Length));
            }
        }

        foreach (Match match in Assignment().Matches(text))
        {
            var value = match.Groups["value"];
            if (!IsPlaceholder(value.Value, match.Groups["quote"].Length > 0) && Entropy(value.ValueSpan) >= threshold)
            {
                (spans ??= []).Add((value.Index, value.Length));
            }
        }

        if (spans is null)
        {
            return text;
        }

        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var masked = new StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, length) in spans)
        {
            if (start < at)
            {
                continue; // inside a span already masked
            }

            masked.Append(text, at, start - at).Append(MaskedForm(text.Substring(start, length)));
            at = start + length;
        }

        return masked.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>Shannon entropy of the characters of <paramref name="value"/>, in bits per character.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        Span<int> ascii = stackalloc int[128];
        Dictionary<char, int>? other = null;
        foreach (var c in value)
        {
            if (c < 128)
            {
                ascii[c]++;
            }
            else
            {
                other ??= [];
                other[c] = other.GetValueOrDefault(c) + 1;
            }
        }

        double entropy = 0;
        double length = value.Length;
        foreach (var count in ascii)
        {
            if (count > 0)
            {
                var p = count / length;
                entropy -= p * Math.Log2(p);
            }
        }

        foreach (var count in other?.Values ?? Enumerable.Empty<int>())
        {
            var p = count / length;
            entropy -= p * Math.Log2(p);
        }

        return entropy;
    }

    /// <summary>
    /// Values that are references, not secrets: variables (<c>$X</c>, <c>${X}</c>, <c>%X%</c>, <c>{{ x }}</c>),
    /// calls, dotted names (<c>config.api_key</c>), plain words and masks (<c>****</c>, <c>&lt;token&gt;</c>).
    /// </summary>
    public static bool IsPlaceholder(string value, bool quoted)
    {
        if (value.Length < MinimumSecretLength
            || value[0] is '$' or '%' or '<' or '{' or '@'
            || value.Contains('(')
            || value.Contains("{{", StringComparison.Ordinal)
            || value.All(c => c is '*' or 'x' or 'X' or '.' or '-' or '_'))
        {
            return true;
        }

        return !quoted && (DottedName().IsMatch(value) || value.All(c => char.IsLetter(c) || c == '_'));
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex AwsAccessKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex GitLabToken();

    [GeneratedRegex(@"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+", RegexOptions.CultureInvariant)]
    private static partial Regex SlackWebhook();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex GoogleApiKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex DottedName();
}
