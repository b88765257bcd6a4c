using Autopilot.Core.Shell;

namespace Autopilot.Core.Effects;

/// <summary>
/// One thing an invocation does (docs/effects.md): the effect name, the file target (for file effects) as written,
/// whether it is recursive, the HTTP method and host class (for network effects), and where the knowledge came
/// from (the pack entry's reason and safer alternative).
/// </summary>
public sealed record Effect(string Kind, Invocation? Invocation)
{
    /// <summary>The file target as written (<c>/etc/hosts</c>), or a description of an unknown one; null for effects without targets.</summary>
    public string? Target { get; init; }

    /// <summary>True when the target cannot be known before the command runs (stdin, <c>xargs</c>, a variable, a glob at <c>/</c>).</summary>
    public bool TargetUnknown { get; init; }

    public bool Recursive { get; init; }

    /// <summary>The target is a folder searched; what the effect touches lies within it (<c>find DIR -delete</c>).</summary>
    public bool Within { get; init; }

    /// <summary>HTTP method of a network effect (GET when none is given).</summary>
    public string? Method { get; init; }

    /// <summary>local or remote, for network effects.</summary>
    public string? Host { get; init; }

    /// <summary>What the effect means here, from the pack.</summary>
    public string? Reason { get; init; }

    /// <summary>The safer way to get the same done, from the pack.</summary>
    public string? Alternative { get; init; }

    /// <summary>The pack that knows the program, and where the entry is.</summary>
    public string? Pack { get; init; }

    public Autopilot.Policy.Model.SourceLocation? Location { get; init; }

    public override string ToString()
    {
        var text = Kind;
        if (Method is not null)
        {
            text += $" {Method}";
        }

        if (Host is not null)
        {
            text += $" ({Host})";
        }

        if (Recursive)
        {
            text += " recursive";
        }

        if (Target is not null)
        {
            text += $" '{Target}'";
        }

        return text;
    }
}
