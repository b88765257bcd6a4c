using System.Globalization;
using Autopilot.Changes.ChangeSets;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;

namespace Autopilot.Changes.Rules;

/// <summary>
/// trojan-source (CVE-2021-42574): added lines (and new paths) must not contain bidirectional control characters
/// (U+202A–U+202E, U+2066–U+2069) or invisible ones (U+200B–U+200D, U+2060, and U+FEFF anywhere but as the
/// byte-order mark at the very start of a file). One finding per line, at the first such character; the column
/// counts UTF-16 code units from 1. Paths limits the files; ExcludePaths and Allow (path globs) exempt files.
/// </summary>
internal sealed class TrojanSourceRule(DiffRuleDef def) : DiffRule(def)
{
    private readonly PathGlobSet _paths = PathGlobSet.Parse(def.Paths);
    private readonly PathGlobSet _allowed = PathGlobSet.Parse(def.Allow);

    public override void Evaluate(DiffContext context, List<Finding> findings)
    {
        foreach (var file in context.Changes.Files)
        {
            if (file.NewPath is null || Exclude.IsMatch(file.NewPath) || _allowed.IsMatch(file.NewPath)
                || (!_paths.IsEmpty && !_paths.IsMatch(file.NewPath)))
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

            if (IsBidiControl(c) || c is '\u200B' or '\u200C' or '\u200D' or '\u2060' || (c == '\uFEFF' && !(allowBom && i == 0)))
            {
                return (i, c);
            }
        }

        return null;
    }

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
