using System.Diagnostics;
using System.Text;

namespace Autopilot.MSBuild.Processes;

/// <summary>What a finished process printed and returned.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs a process to the end with its output captured, a time limit and cancellation.</summary>
internal sealed class ProcessRunner
{
    private readonly object _gate = new();
    private Process? _current;
    private bool _cancelled;

    /// <summary>Kills the running process, if any; later runs fail at once.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            _cancelled = true;
            TryKill(_current);
        }
    }

    /// <exception cref="TimeoutException">The process did not finish in time (it is killed).</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled (the process is killed).</exception>
    public ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName, CommandLine.Join(arguments))
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        // Read-only: git must not take .git/index.lock behind the developer's back (parallel builds, an editor's own git).
        info.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
        {
            foreach (var pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        lock (_gate)
        {
            if (_cancelled)
            {
                throw new OperationCanceledException();
            }

            process.Start();
            _current = process;
        }

        try
        {
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds)))
            {
                TryKill(process);
                throw new TimeoutException($"'{fileName}' did not finish within {timeout.TotalSeconds:0} s and was stopped.");
            }

            process.WaitForExit(); // drains the asynchronous readers
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }
        }

        lock (_gate)
        {
            if (_cancelled)
            {
                throw new OperationCanceledException();
            }
        }

        lock (stdout)
        {
            lock (stderr)
            {
                return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.Append(line).Append('\n');
        }
    }

    private static void TryKill(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // It is ending; nothing more to do.
        }
    }
}
