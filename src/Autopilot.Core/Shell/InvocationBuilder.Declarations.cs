namespace Autopilot.Core.Shell;

/// <summary>
/// Statements that only assign (<c>FOO=1</c>, <c>args+=(--x)</c>, <c>export FOO=bar</c>, <c>local x=1</c>,
/// <c>declare -a arr=(a b)</c>) run no program: they yield no invocation, only the command substitutions
/// inside their values do (<c>X=$(rm -rf ~)</c> runs <c>rm</c>). What they assign reaches later commands
/// through constant propagation (<see cref="InvocationBuilder"/>.Variables.cs).
/// </summary>
internal sealed partial class InvocationBuilder
{
    /// <summary>How many statements only assigned (so that a text of assignments alone is not "a command that runs no program").</summary>
    public int AssignmentStatements { get; private set; }

    /// <summary>
    /// True for <c>export</c>, <c>declare</c>, <c>typeset</c>, <c>local</c> and <c>readonly</c> given only names,
    /// assignments and attribute options. Printing forms (<c>export</c> alone, <c>declare -p</c>, <c>declare -f</c>)
    /// show the environment or functions and stay invocations.
    /// </summary>
    private static bool IsDeclarationOnly(SimpleCommandNode cmd)
    {
        var words = cmd.Words;
        if (words.Count < 2 || !ShellSyntaxParser.IsDeclarationBuiltin(words[0]))
        {
            return false;
        }

        // Options alone (declare -x, export -n) list what has the attribute: printing, not declaring.
        var named = false;
        for (var i = 1; i < words.Count; i++)
        {
            var text = words[i].Text;
            if (IsName(text) || AssignedName(text) is not null)
            {
                named = true;
            }
            else if (!IsAttributeOption(text))
            {
                return false;
            }
        }

        return named;
    }

    /// <summary><c>-x</c>, <c>-ar</c>, <c>+x</c>: options that set or clear attributes (array, export, integer, read-only, ...).</summary>
    private static bool IsAttributeOption(string text)
    {
        if (text.Length < 2 || text[0] is not ('-' or '+'))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] is not ('a' or 'A' or 'g' or 'i' or 'l' or 'n' or 'r' or 't' or 'u' or 'x'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsName(string text)
    {
        if (text.Length == 0 || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The name <c>NAME=value</c> or <c>NAME+=value</c> assigns; null when the text is not an assignment.</summary>
    private static string? AssignedName(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            return null;
        }

        var end = text[eq - 1] == '+' ? eq - 1 : eq;
        return end > 0 && IsName(text[..end]) ? text[..end] : null;
    }
}
