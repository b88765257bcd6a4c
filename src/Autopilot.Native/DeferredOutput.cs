namespace Autopilot.Native;

/// <summary>
/// Holds what a command writes to stdout and stderr until it ends, so that a call handed to the managed CLI half-way
/// (<see cref="Autopilot.Core.Policies.PolicyHandOffException"/>) has printed nothing, and the managed CLI's answer is
/// the only one. The outputs are a few hundred bytes.
/// </summary>
internal sealed class DeferredOutput
{
    private readonly TextWriter _stdout = Console.Out;
    private readonly TextWriter _stderr = Console.Error;
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public DeferredOutput()
    {
        Console.SetOut(_out);
        Console.SetError(_error);
    }

    public TextWriter Out => _out;

    public TextWriter Error => _error;

    /// <summary>Drops what was held back and restores the console, for a call that another program answers.</summary>
    public void Discard()
    {
        Console.SetOut(_stdout);
        Console.SetError(_stderr);
        _out.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
    }

    public void Flush()
    {
        Console.SetOut(_stdout);
        Console.SetError(_stderr);
        _stdout.Write(_out.ToString());
        _stdout.Flush();
        _stderr.Write(_error.ToString());
        _stderr.Flush();
        _out.GetStringBuilder().Clear();
        _error.GetStringBuilder().Clear();
    }
}

/// <summary>Standard input read once and kept: the command reads the copy, and a hand-off passes the same text on.</summary>
internal static class StdinBuffer
{
    /// <summary>One character over the hook's limit, so that the hook still sees the input is too long.</summary>
    private const int Limit = Autopilot.Core.Hooks.ClaudeCodeHook.MaxInputLength + 1;

    public static string Capture()
    {
        var buffer = new char[8192];
        var text = new System.Text.StringBuilder();
        int read;
        var reader = Console.In;
        while (text.Length <= Limit && (read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Append(buffer, 0, read);
        }

        var captured = text.ToString();
        Console.SetIn(new StringReader(captured));
        return captured;
    }
}
