namespace Autopilot.Changes.ChangeSets;

/// <summary>What happened to one file, as git's status letters say it.</summary>
public enum ChangeKind : byte
{
    Added,
    Modified,
    Deleted,
    Renamed,
    Copied,

    /// <summary>The file changed type (regular file, symlink, submodule) at the same path.</summary>
    TypeChanged,
}
