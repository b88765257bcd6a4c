namespace Autopilot.Policy.Model;

/// <summary>
/// A shell variable whose value the policy declares known before any command runs
/// (<c>actions.programVariables: { BIN: ./bin/tool }</c>). Commands are classified as if it held that value, so
/// <c>"$BIN" --help</c> runs <c>./bin/tool</c> instead of an unknown program. An assignment in the command itself
/// replaces it, as it would in the shell.
/// </summary>
public sealed record ProgramVariableDef
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
    public SourceLocation? Location { get; init; }

    /// <summary>Why <paramref name="name"/> and <paramref name="value"/> cannot be used; null when they can.</summary>
    public static string? Problem(string name, string value)
    {
        if (!IsShellName(name))
        {
            return $"'{name}' is not a shell variable name (letters, digits and '_', not starting with a digit)";
        }

        if (value.Trim().Length == 0)
        {
            return $"the value of '{name}' is empty";
        }

        foreach (var c in value)
        {
            if (c is '$' or '`' || char.IsControl(c))
            {
                return $"the value of '{name}' holds '{(char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString())}': a variable's value is used as written, never expanded again";
            }
        }

        return null;
    }

    private static bool IsShellName(string name)
    {
        if (name.Length == 0 || !(IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(IsAsciiLetter(c) || c is (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
