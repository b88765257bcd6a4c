using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autopilot.Changes.Commands;

/// <summary>
/// The value of a YAML scalar mapped back to the file: each character's line and column. A block (<c>|</c>,
/// <c>&gt;</c>) or a scalar over several lines is found line by line in the file (its value holds each line's
/// text in order, only the line breaks and indentation differ); a one-line scalar maps straight on. A quoted
/// scalar with escapes maps approximately (within its line).
/// </summary>
internal static class YamlScalarText
{
    /// <summary>Appends <paramref name="node"/>'s value to <paramref name="builder"/>, with GitHub's <c>${{ … }}</c> expressions as shell variables when asked.</summary>
    public static void Append(ShellScriptBuilder builder, YamlScalarNode node, string[] fileLines, bool githubExpressions)
    {
        var value = node.Value ?? "";
        var (lines, columns) = Map(node, value, fileLines);
        for (var i = 0; i < value.Length; i++)
        {
            if (githubExpressions && value[i] == '$' && i + 2 < value.Length && value[i + 1] == '{' && value[i + 2] == '{')
            {
                var end = value.IndexOf("}}", i + 3, StringComparison.Ordinal);
                if (end > 0)
                {
                    // GitHub substitutes the expression's text before the shell runs: its value is unknown here.
                    builder.AppendAt("${GITHUB_EXPRESSION}", lines[i], columns[i]);
                    i = end + 1;
                    continue;
                }
            }

            builder.Append(value[i], lines[i], columns[i]);
        }
    }

    private static (int[] Lines, int[] Columns) Map(YamlScalarNode node, string value, string[] fileLines)
    {
        var lines = new int[value.Length];
        var columns = new int[value.Length];
        var start = node.Start;
        var startLine = (int)start.Line;
        var endLine = Math.Max(startLine, (int)node.End.Line);
        var quoted = node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;
        var block = node.Style is ScalarStyle.Literal or ScalarStyle.Folded;
        var firstColumn = (int)start.Column + (quoted ? 1 : 0);
        if (!block && !value.Contains('\n') && endLine == startLine)
        {
            for (var i = 0; i < value.Length; i++)
            {
                lines[i] = startLine;
                columns[i] = firstColumn + i;
            }

            return (lines, columns);
        }

        // Find each file line's text in the value, in order; what lies between (folded breaks) takes the place before it.
        int lastLine = startLine, lastColumn = firstColumn, next = 0;
        for (var fileLine = block ? startLine + 1 : startLine; fileLine <= endLine && fileLine <= fileLines.Length; fileLine++)
        {
            var raw = fileLines[fileLine - 1];
            var from = fileLine == startLine ? Math.Min(raw.Length, firstColumn - 1) : 0;
            var text = raw[from..].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var found = value.IndexOf(text, next, StringComparison.Ordinal);
            if (found < 0)
            {
                continue;
            }

            var column = raw.IndexOf(text, from, StringComparison.Ordinal) + 1;
            for (var i = next; i < found; i++)
            {
                (lines[i], columns[i]) = (lastLine, lastColumn);
            }

            for (var i = 0; i < text.Length; i++)
            {
                (lines[found + i], columns[found + i]) = (fileLine, column + i);
            }

            next = found + text.Length;
            (lastLine, lastColumn) = (fileLine, column + text.Length);
        }

        for (var i = next; i < value.Length; i++)
        {
            (lines[i], columns[i]) = (lastLine, lastColumn);
        }

        return (lines, columns);
    }
}
