namespace Autopilot.Testing;

/// <summary>
/// A real git repository in a temporary folder, on branch main, isolated from the machine's git
/// configuration (no system config, HOME is the repository), deleted on dispose.
/// </summary>
public sealed class TempGitRepo : IDisposable
{
    private readonly TempDir _dir = new("autopilot-git-");
    private readonly Dictionary<string, string> _environment;

    public TempGitRepo()
    {
        _environment = new Dictionary<string, string> { ["GIT_CONFIG_NOSYSTEM"] = "1", ["HOME"] = _dir.Path };
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Autopilot Test");
        Git("config", "user.email", "test@autopilot.invalid");
        Git("config", "commit.gpgsign", "false");
        Git("config", "core.autocrlf", "false");
    }

    public string Path => _dir.Path;

    public string Write(string relative, string content) => _dir.Write(relative, content);

    public string WriteBytes(string relative, byte[] bytes) => _dir.WriteBytes(relative, bytes);

    public void Delete(string relative) => File.Delete(_dir.Sub(relative));

    /// <summary>Runs git, which must succeed; returns its standard output.</summary>
    public string Git(params string[] args) => TestProcess.Must("git", args, Path, _environment);

    public ProcessResult TryGit(params string[] args) => TestProcess.Run("git", args, Path, _environment);

    /// <summary>Stages everything and commits; returns the new commit id.</summary>
    public string Commit(string message = "change")
    {
        Git("add", "-A");
        Git("commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public void Dispose() => _dir.Dispose();
}
