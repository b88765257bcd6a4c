using System.Diagnostics;
using System.Text;

namespace Autopilot.Changes.Tests.Git;

/// <summary>A real git repository in a temporary folder, deleted on dispose.</summary>
public sealed class TempGitRepo : IDisposable
{
    public TempGitRepo()
    {
        Root = Path.Combine(Path.GetTempPath(), "autopilot-git-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Git("init", "-q", "-b", "main");
        Git("config", "user.name", "Autopilot Test");
        Git("config", "user.email", "test@example.invalid");
        Git("config", "commit.gpgsign", "false");
        Git("config", "core.autocrlf", "false");
    }

    public string Root { get; }

    public string Write(string path, string text) => WriteBytes(path, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string path, byte[] bytes)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    public void Delete(string path) => File.Delete(Path.Combine(Root, path));

    /// <summary>Stages everything and commits; returns the new commit id.</summary>
    public string Commit(string message = "change")
    {
        Git("add", "-A");
        Git("commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["HOME"] = Root;
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error.Result}");
        }

        return output;
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
