using System.Buffers;
using System.Globalization;
using System.Text;
using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Autopilot.Policy.Patterns;

namespace Autopilot.Changes.Rules;

/// <summary>
/// trojan-source (CVE-2021-42574): added lines (and new paths) must not contain bidirectional control characters
/// (U+202A–U+202E, U+2066–U+2069) or invisible ones (U+200B–U+200D, U+2060, and U+FEFF anywhere but as the
/// byte-order mark at the very start of a file). A zero-width joiner inside an emoji sequence (between two emoji,
/// possibly with variation selectors or skin-tone modifiers) is text, not an attack: it is not reported; variation selectors
/// never are. One finding per line, at the first such character; the column
/// counts UTF-16 code units from 1. Paths limits the files; ExcludePaths and Allow (path globs) exempt files.
/// </summary>
internal sealed class TrojanSourceRule(DiffRuleDef def) : DiffRule(def)
{
    private readonly GlobSet _paths = GlobSet.Create(def.Paths);
    private readonly GlobSet _allowed = GlobSet.Create(def.Allow);

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        foreach (var file in context.Changes.Files)
        {
            if (file.NewPath is null || Exclude.IsMatchUnderRoot(file.NewPath) || _allowed.IsMatchUnderRoot(file.NewPath)
                || (!_paths.IsEmpty && !_paths.IsMatchUnderRoot(file.NewPath)))
            {
                continue;
            }

            if (Find(file.NewPath, allowBom: false) is (var pathIndex, var pathChar))
            {
                findings.Add(Report($"the path '{file.NewPath}' contains {Describe(pathChar)} at character {pathIndex + 1}: rename the file", At(file)));
            }

            if (file.IsBinary || file.IsSubmodule)
            {
                continue;
            }

            foreach (var line in file.AddedLines)
            {
                if (Find(line.Text, allowBom: line.NewLine == 1) is (var index, var found))
                {
                    findings.Add(Report(
                        $"{Describe(found)} in an added line: invisible and bidirectional control characters can make code read differently from how it compiles (CVE-2021-42574); remove it or write it as an escape (\\u{(int)found:X4})",
                        new SourceLocation(file.NewPath, line.NewLine, index + 1) { Length = 1, Offset = index }));
                }
            }
        }
    }

    internal static (int Index, char Char)? Find(string text, bool allowBom)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < '\u200B')
            {
                continue;
            }

            if (c == '\u200D' && InEmojiSequence(text, i))
            {
                continue;
            }

            if (IsBidiControl(c) || c is '\u200B' or '\u200C' or '\u200D' or '\u2060' || (c == '\uFEFF' && !(allowBom && i == 0)))
            {
                return (i, c);
            }
        }

        return null;
    }

    /// <summary>The joiner at <paramref name="index"/> joins an emoji (with its modifiers) to another emoji: 👩‍💻, 🏳️‍🌈.</summary>
    private static bool InEmojiSequence(string text, int index)
    {
        var before = index;
        while (before > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, before), out var rune, out var length) == OperationStatus.Done)
        {
            before -= length;
            if (IsEmojiModifier(rune))
            {
                continue;
            }

            if (!IsEmoji(rune))
            {
                return false;
            }

            return Rune.DecodeFromUtf16(text.AsSpan(index + 1), out var next, out _) == OperationStatus.Done && IsEmoji(next);
        }

        return false;
    }

    private static bool IsEmojiModifier(Rune rune) =>
        rune.Value is 0xFE0E or 0xFE0F or (>= 0x1F3FB and <= 0x1F3FF) or (>= 0xE0020 and <= 0xE007F) or 0x20E3;

    private static bool IsEmoji(Rune rune) => rune.Value is (>= 0x1F000 and <= 0x1FAFF) or (>= 0x2600 and <= 0x27BF) or (>= 0x2300 and <= 0x23FF)
        or (>= 0x2B00 and <= 0x2BFF) or 0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or (>= 0x2194 and <= 0x21AA) or 0x3030 or 0x303D;

    private static bool IsBidiControl(char c) => c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static string Describe(char c) => string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4} ({Name(c)})");

    private static string Name(char c) => c switch
    {
        '\u202A' => "LEFT-TO-RIGHT EMBEDDING",
        '\u202B' => "RIGHT-TO-LEFT EMBEDDING",
        '\u202C' => "POP DIRECTIONAL FORMATTING",
        '\u202D' => "LEFT-TO-RIGHT OVERRIDE",
        '\u202E' => "RIGHT-TO-LEFT OVERRIDE",
        '\u2066' => "LEFT-TO-RIGHT ISOLATE",
        '\u2067' => "RIGHT-TO-LEFT ISOLATE",
        '\u2068' => "FIRST STRONG ISOLATE",
        '\u2069' => "POP DIRECTIONAL ISOLATE",
        '\u200B' => "ZERO WIDTH SPACE",
        '\u200C' => "ZERO WIDTH NON-JOINER",
        '\u200D' => "ZERO WIDTH JOINER",
        '\u2060' => "WORD JOINER",
        _ => "ZERO WIDTH NO-BREAK SPACE",
    };
}
