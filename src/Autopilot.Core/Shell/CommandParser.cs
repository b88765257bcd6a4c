using System.Buffers;

namespace Autopilot.Core.Shell;

/// <summary>
/// Parses a shell command line (POSIX sh and the bash syntax agents emit) into a syntax tree and the
/// flat list of invocations it would run. Never throws on any input: problems come back as
/// <see cref="ParseResult.Errors"/> with the offset where they are.
/// </summary>
internal static class CommandParser
{
    /// <summary>Longest command accepted: Linux's limit for a single argument (MAX_ARG_STRLEN, 128 KiB).</summary>
    public const int DefaultMaxLength = 128 * 1024;

    /// <summary>Deepest nesting of lists, substitutions, compound commands, wrappers and nested shells.</summary>
    public const int DefaultMaxDepth = 32;

    private static readonly SearchValues<char> s_plainText = SearchValues.Create(CreatePlainText());

    public static ParseResult Parse(string text) => Parse(text, DefaultMaxLength, DefaultMaxDepth);

    /// <summary>
    /// Parses <paramref name="text"/> with <paramref name="knownVariables"/> set before it runs, as a policy's
    /// <c>actions.programVariables</c> declares them: <c>"$BIN" --help</c> with <c>BIN=./bin/tool</c> runs
    /// <c>./bin/tool</c>. An assignment in the text replaces a known value, as it would in the shell.
    /// </summary>
    public static ParseResult Parse(string text, IReadOnlyDictionary<string, string>? knownVariables) =>
        Parse(text, DefaultMaxLength, DefaultMaxDepth, knownVariables);

    private static string CreatePlainText()
    {
        var chars = new char[0x7F - 0x20 + 3];
        for (var c = 0x20; c < 0x7F; c++)
        {
            chars[c - 0x20] = (char)c;
        }

        chars[^3] = '\t';
        chars[^2] = '\n';
        chars[^1] = '\r';
        return new string(chars);
    }

    public static ParseResult Parse(string text, int maxLength, int maxDepth) => Parse(text, maxLength, maxDepth, null);

    private static ParseResult Parse(string text, int maxLength, int maxDepth, IReadOnlyDictionary<string, string>? knownVariables)
    {
        if (text is null)
        {
            return Fail("", 0, "no command was given");
        }

        if (text.Length > maxLength)
        {
            return Fail(text, maxLength, $"the command is {text.Length} characters long, over the limit of {maxLength}");
        }

        var bad = FindBadCharacter(text, out var reason);
        if (bad >= 0)
        {
            return Fail(text, bad, reason);
        }

        ListNode tree;
        try
        {
            tree = new ShellSyntaxParser(text, 0, maxDepth).ParseProgram();
        }
        catch (ShellSyntaxException e)
        {
            return Fail(text, e.Offset, e.Message);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidOperationException)
        {
            // A parser bug must not turn into an allow: report it as an unreadable command.
            return Fail(text, 0, $"the parser failed on this command ({e.GetType().Name})");
        }

        var builder = new InvocationBuilder(text, maxDepth, knownVariables);
        try
        {
            builder.Walk(tree);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidOperationException)
        {
            return Fail(text, 0, $"the command could not be analysed ({e.GetType().Name})");
        }

        if (builder.Invocations.Count == 0 && builder.Errors.Count == 0 && builder.AssignmentStatements == 0)
        {
            return new ParseResult(text, tree, [], [new ParseError(0, tree.Items.Count == 0 ? "the command is empty" : "the command runs no program")]);
        }

        return new ParseResult(text, tree, builder.Invocations, builder.Errors);
    }

    private static ParseResult Fail(string text, int offset, string message) =>
        new(text, null, [], [new ParseError(offset, message)]);

    /// <summary>
    /// Offset of the first character no honest command contains: NUL and other control characters,
    /// U+FFFD (the mark of undecodable bytes), lone surrogates, and bidirectional overrides that make
    /// a command read differently from how it runs. -1 when there is none.
    /// </summary>
    internal static int FindBadCharacter(string text, out string reason)
    {
        // Printable ASCII, tab and line ends are always fine: skip them in one vectorised search.
        var first = text.AsSpan().IndexOfAnyExcept(s_plainText);
        if (first < 0)
        {
            reason = "";
            return -1;
        }

        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20)
            {
                if (c is '\t' or '\n' or '\r')
                {
                    continue;
                }

                reason = c == 0 ? "the command holds a NUL character" : $"the command holds control character U+{(int)c:X4}";
                return i;
            }

            if (c == 0x7F)
            {
                reason = "the command holds control character U+007F";
                return i;
            }

            if (c < 0x80)
            {
                continue;
            }

            if (c == '\uFFFD')
            {
                reason = "the command holds U+FFFD (bytes that were not valid UTF-8)";
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                reason = "the command holds a lone surrogate (not valid UTF-16)";
                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                reason = "the command holds a lone surrogate (not valid UTF-16)";
                return i;
            }

            if (c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C')
            {
                reason = $"the command holds bidirectional control character U+{(int)c:X4}";
                return i;
            }

            if (c is >= '\u0080' and <= '\u009F')
            {
                reason = $"the command holds control character U+{(int)c:X4}";
                return i;
            }
        }

        reason = "";
        return -1;
    }
}
