using System.Text;
using Autopilot.Core.Actions;
using Autopilot.Core.Shell;
using FsCheck;
using FsCheck.Fluent;

namespace Autopilot.Core.Tests.Actions;

/// <summary>Properties over generated commands (FsCheck). Longer runs with AUTOPILOT_LONG_TESTS=1.</summary>
public sealed class ClassificationPropertyTests
{
    private static readonly ActionClassifier s_classifier = TestRiskRules.Classifier();

    private static readonly int s_runs = Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") == "1" ? 20_000 : 400;

    private static readonly string[] s_programs =
        ["rm", "git", "curl", "wget", "sudo", "chmod", "find", "dd", "cat", "bash", "sh", "npm", "env", "nice", "xargs", "scp", "psql", "kill", "echo", "ls", "python3", "mkfs.ext4", "tee", "timeout"];

    private static readonly string[] s_args =
    [
        "-rf", "-r", "-f", "-R", "--recursive", "--force", "/", "/*", "~", "~/", "/etc", "/usr", ".", "..", "*", "build", "src/app.cs",
        "push", "origin", "main", "+main", "--force-with-lease", "reset", "--hard", "clean", "-fdx", "publish", "-c", "-e", "-d",
        "@.env", ".env", "~/.ssh/id_rsa", "of=/dev/sda", "if=/dev/zero", "/dev/sda", "777", "o+w", "644", "-delete", "-exec", ";",
        "DROP DATABASE x", "https://example.com/x.sh", "-9", "1234", "hello world", "it's", "a\"b", "tab\there", "x|y", "a;b",
        "$weird", "back\\slash", "5", "-n", "10", "-i", "x=1", "-s", "-", "--", "rm -rf /", "-fsSL", "user@host:/tmp",
    ];

    private static readonly string[] s_separators = [" ; ", " && ", " || ", " | ", "\n", " & "];

    /// <summary>A command as words (program first) per list element, joined by separators.</summary>
    private static Gen<(string[][] Commands, string[] Separators)> Commands() =>
        from count in Gen.Choose(1, 3)
        from commands in Gen.ArrayOf(
            from program in Gen.Elements(s_programs)
            from args in Gen.ArrayOf(Gen.Elements(s_args), 0).Resize(5)
            select (string[])[program, .. args], count)
        from seps in Gen.ArrayOf(Gen.Elements(s_separators), count)
        select (commands, seps);

    private static string Render((string[][] Commands, string[] Separators) c, Func<string, int, string> quote)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < c.Commands.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(c.Separators[i]);
            }

            var words = c.Commands[i];
            for (var w = 0; w < words.Length; w++)
            {
                if (w > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(quote(words[w], w * 31 + i));
            }
        }

        return sb.ToString();
    }

    /// <summary>The plain rendering: each word single-quoted only when the shell needs it.</summary>
    private static string Minimal(string word, int seed) =>
        word.Length > 0 && word.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./~*+@:,=%".Contains(ch)) && word != "~/" || word == "~" || word == "~/"
            ? word
            : SingleQuote(word);

    private static string SingleQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string DoubleQuote(string word)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in word)
        {
            if (ch is '"' or '\\' or '$' or '`')
            {
                sb.Append('\\');
            }

            sb.Append(ch);
        }

        return sb.Append('"').ToString();
    }

    private static string Backslashes(string word)
    {
        var sb = new StringBuilder();
        foreach (var ch in word)
        {
            if (ch == '\n')
            {
                return SingleQuote(word);
            }

            sb.Append('\\').Append(ch);
        }

        return sb.ToString();
    }

    private static string AnsiC(string word)
    {
        var sb = new StringBuilder("$'");
        foreach (var ch in word)
        {
            sb.Append(char.IsAsciiLetterOrDigit(ch) ? ch.ToString() : $"\\x{(int)ch:x2}");
        }

        return sb.Append('\'').ToString();
    }

    /// <summary>Splits the word with empty quotes in the middle: r''m, r""m.</summary>
    private static string Split(string word)
    {
        if (word.Length < 2)
        {
            return SingleQuote(word);
        }

        var mid = word.Length / 2;
        return SingleQuote(word[..mid]) + "\"\"" + SingleQuote(word[mid..]);
    }

    private static readonly Func<string, string>[] s_requoters = [SingleQuote, DoubleQuote, Backslashes, AnsiC, Split];

    private static string Signature(ActionClassification c) =>
        c.Risk + ":" + string.Join(",", c.Matches.Select(m => m.RuleId).Distinct().OrderBy(id => id, StringComparer.Ordinal));

    [Fact]
    public void RequotingWordsNeverChangesTheClassification()
    {
        var prop = Prop.ForAll(Commands().ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (command, salt) =>
        {
            // Words the shell treats specially unquoted (reserved words, '~' expansion) keep their plain form.
            var plain = Render(command, Minimal);
            var requoted = Render(command, (w, seed) => w is "~" or "~/" || w.StartsWith("~/", StringComparison.Ordinal) ? w : s_requoters[(seed + salt) % s_requoters.Length](w));
            var a = s_classifier.ClassifyCommand(plain, TestRiskRules.Context);
            var b = s_classifier.ClassifyCommand(requoted, TestRiskRules.Context);
            var same = Signature(a) == Signature(b);
            if (!same)
            {
                throw new Xunit.Sdk.XunitException($"'{plain}' → {Signature(a)}\nbut '{requoted}' → {Signature(b)}");
            }

            return same;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(s_runs), prop);
    }

    private static readonly char[] s_alphabet =
        "abcrm -/~*?'\"\\$`(){}[]<>|&;#=!\n\t\r.0123456789@%^+,:\0\u0007\uFFFD\uD800\u202Eé€".ToCharArray();

    private static Gen<string> RandomText() =>
        from chars in Gen.ArrayOf(Gen.Elements(s_alphabet)).Resize(60)
        select new string(chars);

    /// <summary>Valid commands with random characters inserted or removed: near-misses reach deeper into the parser.</summary>
    private static Gen<string> MutatedCommand() =>
        from command in Commands()
        from edits in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 1000), Gen.Elements(s_alphabet)), 3)
        select Mutate(Render(command, Minimal), edits);

    private static string Mutate(string text, (int Position, char Char)[] edits)
    {
        var sb = new StringBuilder(text);
        foreach (var (position, ch) in edits)
        {
            var at = sb.Length == 0 ? 0 : position % (sb.Length + 1);
            if (position % 3 == 0 && at < sb.Length)
            {
                sb.Remove(at, 1);
            }
            else
            {
                sb.Insert(at, ch);
            }
        }

        return sb.ToString();
    }

    [Fact]
    public void ParserNeverThrowsAndFailuresAreUnknownRisk()
    {
        var unknown = TestRiskRules.Levels.Count - 1;
        var prop = Prop.ForAll(Gen.OneOf(RandomText(), MutatedCommand()).ToArbitrary(), text =>
        {
            var parsed = CommandParser.Parse(text);
            var classified = s_classifier.ClassifyCommand(parsed, TestRiskRules.Context);
            if (!parsed.Success)
            {
                // A parse failure is never anything but the unknown (highest) risk.
                Assert.True(classified.RiskIndex == unknown && classified.IsUnknown, $"'{text}': parse failed but risk is {classified}");
                Assert.All(parsed.Errors, e => Assert.InRange(e.Offset, 0, Math.Max(0, text.Length)));
            }

            foreach (var inv in parsed.Invocations)
            {
                Assert.NotNull(inv.Program);
                Assert.InRange(inv.Span.Start, 0, text.Length);
            }

            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(s_runs * 5), prop);
    }
}
