using System.Text;

namespace Autopilot.MSBuild.Processes;

/// <summary>
/// netstandard2.0 has no ProcessStartInfo.ArgumentList: arguments are joined into one string with the
/// quoting that both the Windows C runtime and .NET on Unix parse back into the same arguments.
/// </summary>
internal static class CommandLine
{
    public static string Join(IEnumerable<string> arguments)
    {
        var builder = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            Quote(builder, argument);
        }

        return builder.ToString();
    }

    private static void Quote(StringBuilder builder, string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '\n', '\v', '"', '\'']) < 0)
        {
            builder.Append(argument);
            return;
        }

        builder.Append('"');
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            if (c == '"')
            {
                // Backslashes before a quote are doubled, and the quote itself escaped.
                builder.Append('\\', (backslashes * 2) + 1);
            }
            else
            {
                builder.Append('\\', backslashes);
            }

            backslashes = 0;
            builder.Append(c);
        }

        // Backslashes before the closing quote are doubled so that it stays a closing quote.
        builder.Append('\\', backslashes * 2);
        builder.Append('"');
    }
}
