namespace Autopilot.Core.Policies;

/// <summary>
/// The repository a command works on: the nearest folder upwards that holds .git (a folder, or a file in a worktree or
/// submodule), else the start folder. The one place that finds it: the CLI, the hooks and the library entry point use it.
/// </summary>
internal static class RepositoryRoot
{
    public static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        return start;
    }
}
