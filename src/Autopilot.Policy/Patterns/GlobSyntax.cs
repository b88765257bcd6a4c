namespace Autopilot.Policy.Patterns;

/// <summary>Checks that a glob is well formed: brackets closed, braces balanced, no empty pattern.</summary>
public static class GlobSyntax
{
    /// <summary>Null when the glob is well formed; otherwise what is wrong.</summary>
    public static string? Validate(string glob)
    {
        if (glob.Length == 0)
        {
            return "an empty glob matches nothing";
        }

        var braces = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            switch (glob[i])
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    // A ']' right after the '[' is a member of the class, not its end.
                    var close = i + 2 > glob.Length ? -1 : glob.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        return $"'[' at position {i + 1} is never closed";
                    }

                    i = close;
                    break;
                case '{':
                    braces++;
                    break;
                case '}':
                    if (--braces < 0)
                    {
                        return $"'}}' at position {i + 1} has no matching '{{'";
                    }

                    break;
            }
        }

        return braces == 0 ? null : "a '{' is never closed";
    }
}
