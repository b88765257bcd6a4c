using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>Reads change sets out of one git repository without modifying it.</summary>
internal interface IGitChangeReader
{
    /// <summary>The repository's top-level directory.</summary>
    string RepositoryRoot { get; }

    /// <summary>The change from <paramref name="from"/> to <paramref name="to"/> (any commit-ish: sha, branch, tag).</summary>
    ChangeSet ReadRange(string from, string to);

    /// <summary>The change from the merge base of <paramref name="branch"/> and <paramref name="head"/> to <paramref name="head"/>.</summary>
    ChangeSet ReadSinceMergeBase(string branch, string head = "HEAD");

    /// <summary>What is staged: the index against HEAD (against the empty tree before the first commit).</summary>
    ChangeSet ReadStaged();

    /// <summary>The working tree against HEAD, staged and unstaged, plus untracked (not ignored) files when asked.</summary>
    ChangeSet ReadWorkingTree(bool includeUntracked = true);

    /// <summary>The working tree (with untracked files) against the merge base of HEAD and a branch (or HEAD when null).</summary>
    ChangeSet ReadWorkingTreeAgainst(string? branch, bool includeUntracked = true);

    /// <summary>The branch to judge against when none is named (origin/HEAD, main or master), or null.</summary>
    string? DefaultBranch();
}
