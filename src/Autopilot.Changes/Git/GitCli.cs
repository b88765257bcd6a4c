using System.ComponentModel;
using System.Diagnostics;
using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>
/// <see cref="IGitRunner"/> over the installed <c>git</c> executable. Every call runs with
/// <c>GIT_OPTIONAL_LOCKS=0</c> (so even <c>git diff</c>'s index refresh does not write), no pager, no prompts,
/// no colour, git's own messages in English, and paths unquoted (<c>core.quotePath=false</c>).
/// </summary>
internal sealed class GitCli : IGitRunner
{
    private static readonly string[] s_globalOptions = ["-c", "core.quotePath=false", "-c", "color.ui=never", "-c", "core.pager=cat"];

    public GitCli(string workingDirectory, string gitExecutable = "git")
    {
        WorkingDirectory = workingDirectory;
        GitExecutable = gitExecutable;
    }

    public string WorkingDirectory { get; }

    public string GitExecutable { get; }

    public GitResult Run(IReadOnlyList<string> arguments, long maxOutputBytes = 512L * 1024 * 1024)
    {
        using var output = Start(arguments);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = output.ReadRaw(chunk)) > 0)
        {
            if (buffer.Length + read > maxOutputBytes)
            {
                throw new ChangeSetException($"'git {arguments.FirstOrDefault()}' printed more than {maxOutputBytes / (1024 * 1024)} MB; the change is too large to judge at once");
            }

            buffer.Write(chunk, 0, read);
        }

        var exitCode = output.WaitForExit();
        return new GitResult(exitCode, buffer.ToArray(), output.Error);
    }

    public GitOutputStream Start(IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(GitExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(WorkingDirectory);
        foreach (var option in s_globalOptions)
        {
            info.ArgumentList.Add(option);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_PAGER"] = "cat";
        info.Environment["LC_ALL"] = "C";
        info.Environment["LANGUAGE"] = "C";

        // Variables that would point git elsewhere than -C says (set inside hooks) or change diff output.
        foreach (var name in new[] { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE" })
        {
            info.Environment.Remove(name);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ChangeSetException("git could not be started");
        }
        catch (Win32Exception ex)
        {
            throw new ChangeSetException($"cannot run '{GitExecutable}': {ex.Message}; install git and put it on PATH", inner: ex);
        }

        process.StandardInput.Close();
        return new GitOutputStream(process, string.Join(' ', arguments.Take(3)));
    }
}
