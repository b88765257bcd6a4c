using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Autopilot.Policy.Diagnostics;
using Autopilot.Policy.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Policy.Loading;

/// <summary>
/// Text → <see cref="PolicyDocument"/>: parses YAML keeping positions, binds it to the model and reports
/// every structural mistake (wrong types, unknown keys, missing keys, bad words) at file:line:col.
/// Semantic checks (references, reachability, patterns) are <see cref="Validation.PolicyValidator"/>'s.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Policies are small; a file over this is refused rather than parsed.</summary>
    public const int MaxPolicyBytes = 1024 * 1024;

    private static readonly string[] s_topKeys =
    [
        "apiVersion", "metadata", "riskLevels", "phases", "transitions", "evidence", "autonomy", "actions",
        "packs", "risks", "escalation", "failures", "tools", "attestation", "diff",
        "exceptions", "base",
    ];

    public static PolicyLoadResult LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return Fail(path, $"Policy file not found: {path}");
            }

            if (info.Length > MaxPolicyBytes)
            {
                return Fail(path, $"Policy file is {info.Length} bytes; the limit is {MaxPolicyBytes} bytes.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(path, $"Cannot read the policy file: {ex.Message}");
        }

        return LoadBytes(bytes, path);
    }

    public static PolicyLoadResult LoadText(string text, string path) => LoadBytes(Encoding.UTF8.GetBytes(text), path);

    public static PolicyLoadResult LoadBytes(byte[] bytes, string path)
    {
        var diagnostics = new List<PolicyDiagnostic>();
        var hash = Sha256Hex(bytes);
        var root = ReadSingleDocument(bytes, hash, path, "Policy", "expected a mapping with at least 'phases'", diagnostics);
        if (root is null)
        {
            return new PolicyLoadResult(null, diagnostics);
        }

        return Bind(root, path, hash, diagnostics);
    }

    /// <summary>
    /// Loads a policy from its YAML events in binary form (<see cref="YamlEventCache.Record"/>), as the source generator
    /// compiled them into the engine, with the hash of the text they were recorded from: no text is scanned and nothing
    /// is hashed. Positions in diagnostics are the text's.
    /// </summary>
    /// <exception cref="InvalidDataException">The events do not decode: the build that embedded them is broken.</exception>
    public static PolicyLoadResult LoadEvents(byte[] events, string path, string textHash)
    {
        var parser = YamlEventCache.Replay(events) ?? throw new InvalidDataException($"the compiled-in events of {path} do not decode");
        var stream = new YamlStream();
        stream.Load(parser);
        if (stream.Documents.Count != 1)
        {
            throw new InvalidDataException($"the compiled-in events of {path} hold {stream.Documents.Count} documents");
        }

        return Bind(stream.Documents[0].RootNode, path, textHash, []);
    }

    /// <summary>Binds a policy's one document, however it was read, and names it by its path and the hash of its text.</summary>
    private static PolicyLoadResult Bind(YamlNode root, string path, string textHash, List<PolicyDiagnostic> diagnostics)
    {
        var document = new DocumentBinder(new YamlBinder(path, diagnostics)).Bind(root) with
        {
            SourcePath = path,
            Hash = textHash,
        };
        return new PolicyLoadResult(document, diagnostics);
    }

    /// <summary>
    /// The one YAML document of a policy or pack file, or null with the reason in <paramref name="diagnostics"/>
    /// (over the size cap, not UTF-8, empty, malformed, several documents). Never throws on bad input.
    /// </summary>
    /// <param name="hash">The SHA-256 of <paramref name="bytes"/> (the caller names the text by it): the parse cache's key.</param>
    internal static YamlNode? ReadSingleDocument(byte[] bytes, string hash, string path, string what, string emptyHint, List<PolicyDiagnostic> diagnostics)
    {
        if (bytes.Length > MaxPolicyBytes)
        {
            diagnostics.Add(Unreadable(path, $"{what} text is {bytes.Length} bytes; the limit is {MaxPolicyBytes} bytes."));
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            diagnostics.Add(Unreadable(path, $"{what} file is not valid UTF-8 (byte {ex.Index})."));
            return null;
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text.Substring(1);
        }

        if (OnlyCommentsOrBlank(text))
        {
            diagnostics.Add(Unreadable(path, $"{what} file is empty: {emptyHint}."));
            return null;
        }

        var stream = new YamlStream();
        Action? afterLoad;
        try
        {
            stream.Load(YamlEventCache.ParserFor(text, hash, out afterLoad));
        }
        catch (YamlException ex)
        {
            var location = new SourceLocation(path, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column));
            var message = ex.InnerException is null ? ex.Message : ex.InnerException.Message;
            diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.YamlSyntax, DiagnosticSeverity.Error, $"YAML syntax error: {Clean(message)}", location));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet throws these for some malformed documents (an unclosed flow sequence followed by a key):
            // still a syntax error of the file, never a crash.
            var near = LastGoodPosition(text, path);
            diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.YamlSyntax, DiagnosticSeverity.Error,
                $"YAML syntax error: the structure breaks after line {near.Line}, column {near.Column} (an unclosed '[' or '{{' is the usual cause).", near));
            return null;
        }

        // Offered to the cache only after a clean parse, outside the catch above: a cache failure is not a syntax error.
        afterLoad?.Invoke();
        if (stream.Documents.Count != 1)
        {
            var where = stream.Documents.Count > 1 ? new SourceLocation(path, (int)stream.Documents[1].RootNode.Start.Line, 1) : new SourceLocation(path, 1, 1);
            diagnostics.Add(new PolicyDiagnostic(PolicyDiagnosticIds.FileUnreadable, DiagnosticSeverity.Error,
                stream.Documents.Count == 0 ? $"{what} file has no YAML document." : $"{what} file must hold exactly one YAML document (found a '---' separator).", where));
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>True when every line is blank or a comment (without splitting the text into lines).</summary>
    private static bool OnlyCommentsOrBlank(string text)
    {
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                lineStart = true;
            }
            else if (lineStart && !char.IsWhiteSpace(c))
            {
                if (c != '#')
                {
                    return false;
                }

                // A comment: skip to the end of the line.
                var end = text.IndexOf('\n', i);
                if (end < 0)
                {
                    return true;
                }

                i = end - 1;
                lineStart = false;
            }
        }

        return true;
    }

    /// <summary>Where the YAML parser last made sense of the text, for errors YamlDotNet raises without a position.</summary>
    private static SourceLocation LastGoodPosition(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                last = parser.Current?.End ?? last;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException)
        {
            // Expected: the point where it stops is what we want.
        }

        return new SourceLocation(path, (int)Math.Max(1, last.Line), (int)Math.Max(1, last.Column));
    }

    public static string Sha256Hex(byte[] bytes)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(bytes);
        var builder = new StringBuilder(hash.Length * 2);
        foreach (var b in hash)
        {
            builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static PolicyLoadResult Fail(string path, string message) => new(null, [Unreadable(path, message)]);

    private static PolicyDiagnostic Unreadable(string path, string message) =>
        new(PolicyDiagnosticIds.FileUnreadable, DiagnosticSeverity.Error, message, new SourceLocation(path, 1, 1));

    // YamlDotNet messages start with "(Line: 3, Col: 5, Idx: 20) - (...)": the location is printed already.
    private static string Clean(string message)
    {
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && index > 0 ? message.Substring(index + 3) : message;
    }

    internal static string[] TopKeys => s_topKeys;
}
