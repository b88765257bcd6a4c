namespace Autopilot.Changes.ChangeSets;

/// <summary>
/// Where the whole contents of a change's files come from, read only when a rule asks (git objects, the working
/// tree, a base directory). Every member may return null when that side is not available.
/// </summary>
public interface IChangeContent
{
    /// <summary>Contents before the change; null when the file did not exist or cannot be read from here.</summary>
    Stream? OpenOld(FileChange file);

    /// <summary>Contents after the change; null when the file was deleted or cannot be read from here.</summary>
    Stream? OpenNew(FileChange file);

    /// <summary>Contents of any path at the base of the change (changed or not); null when absent there.</summary>
    Stream? OpenBase(string path);

    /// <summary>True when <see cref="OpenBase"/> can answer at all (a diff without a base directory cannot).</summary>
    bool HasBase { get; }

    /// <summary>Every file path after the change, when the source knows the whole tree; null otherwise.</summary>
    IReadOnlyCollection<string>? ListNewTree();
}
