using System.Security.Cryptography;
using System.Text;
using Autopilot.MSBuild.Processes;

namespace Autopilot.MSBuild.Gate;

/// <summary>
/// What the gate's answer depends on, as one hash: HEAD, every branch and remote ref (the default base
/// is a merge base with one of them), the paths and contents of every changed and untracked file
/// (`git status` alone shows that a file is modified, not how), the commit each submodule has checked out, explicit policy and work-order files
/// outside the repository, the tool and the gate's settings. Equal keys mean the gate would say the
/// same thing again, so the build may skip it.
/// </summary>
internal static class GateKey
{
    private static readonly TimeSpan s_gitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The repository's top folder, or null with the reason when git cannot tell.</summary>
    public static string? FindRepositoryRoot(ProcessRunner runner, string folder, out string? problem)
    {
        ProcessResult result;
        try
        {
            result = runner.Run("git", ["rev-parse", "--show-toplevel"], folder, s_gitTimeout);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            problem = $"git could not be started ({ex.Message}); the gate needs git on the PATH";
            return null;
        }

        if (result.ExitCode != 0)
        {
            problem = $"'{folder}' is not inside a git repository ({result.StdErr.Trim()})";
            return null;
        }

        problem = null;
        return Path.GetFullPath(result.StdOut.Trim());
    }

    public static string Compute(ProcessRunner runner, string repositoryRoot, IEnumerable<string> settings, IEnumerable<string> extraFiles)
    {
        using var sha = SHA256.Create();
        var buffer = new StringBuilder();
        foreach (var setting in settings)
        {
            buffer.Append("setting\0").Append(setting).Append('\0');
        }

        // An empty repository has no HEAD yet: that is a state like any other.
        buffer.Append("head\0").Append(Git(runner, repositoryRoot, "rev-parse", "--verify", "-q", "HEAD")).Append('\0');
        buffer.Append("refs\0").Append(Git(runner, repositoryRoot, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/remotes")).Append('\0');
        // Submodules as the gate sees them (it reads git with --ignore-submodules=none): their status, and the commit
        // each has checked out, since " M sub" reads the same before and after a second pointer bump.
        var status = Git(runner, repositoryRoot, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignore-submodules=none");
        buffer.Append("status\0").Append(status).Append('\0');
        buffer.Append("submodules\0").Append(Git(runner, repositoryRoot, "submodule", "status", "--recursive")).Append('\0');
        var files = ChangedPaths(status).Select(p => Path.Combine(repositoryRoot, p)).Concat(extraFiles);
        foreach (var file in files)
        {
            buffer.Append("file\0").Append(file).Append('\0').Append(HashFile(file)).Append('\0');
        }

        return Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(buffer.ToString())));
    }

    /// <summary>The paths in `git status --porcelain=v1 -z` output: "XY path\0", with "\0from" after renames and copies.</summary>
    internal static IEnumerable<string> ChangedPaths(string status)
    {
        var records = status.Split('\0');
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            if (record.Length < 4)
            {
                continue;
            }

            yield return record.Substring(3);
            if (record[0] is 'R' or 'C' || record[1] is 'R' or 'C')
            {
                i++; // the source path follows; its content is in HEAD already
            }
        }
    }

    private static string Git(ProcessRunner runner, string root, params string[] args)
    {
        var result = runner.Run("git", args, root, s_gitTimeout);
        // A failing git call still yields a key (its exit code and error text), and the gate itself then reports the problem.
        return result.ExitCode == 0 ? result.StdOut : $"exit {result.ExitCode}: {result.StdErr}";
    }

    private static string HashFile(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return Directory.Exists(path) ? "directory" : "absent";
            }

            using var sha = SHA256.Create();
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return Hex(sha.ComputeHash(stream));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable now: a fresh value so that the gate runs and says what it sees.
            return "unreadable " + Guid.NewGuid().ToString("N");
        }
    }

    private static string Hex(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
