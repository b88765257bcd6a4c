using System.Diagnostics;

namespace Autopilot.Core.Tests.Ledger;

/// <summary>Starts Autopilot.FaultHost (copied beside the tests into faulthost/) as a real process.</summary>
internal sealed class FaultHost : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _stderr = new();

    private FaultHost(Process process)
    {
        _process = process;
    }

    public static bool LongRun => Environment.GetEnvironmentVariable("AUTOPILOT_LONG_TESTS") == "1";

    public static string DllPath
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "faulthost", "Autopilot.FaultHost.dll");
            Assert.True(File.Exists(path), $"Autopilot.FaultHost.dll not found at {path}: build tests/Autopilot.Core.Tests");
            return path;
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static FaultHost Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var host = new FaultHost(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                host._exited.TrySetResult();
                return;
            }

            lock (host._lines)
            {
                host._lines.Add(e.Data);
                Monitor.PulseAll(host._lines);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (host._stderr)
                {
                    host._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Lines printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits until <paramref name="predicate"/> holds for the lines printed so far.</summary>
    public void WaitFor(Func<IReadOnlyList<string>, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lines)
        {
            while (!predicate(_lines))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || _exited.Task.IsCompleted && !predicate(_lines))
                {
                    if (_exited.Task.IsCompleted && predicate(_lines))
                    {
                        return;
                    }

                    throw new TimeoutException($"fault host {Id} did not print what was expected; stdout tail: {string.Join(" | ", _lines.TakeLast(3))}; stderr: {StandardError}");
                }

                Monitor.Wait(_lines, TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, 100)));
            }
        }
    }

    /// <summary>SIGKILL (no cleanup in the child), then collects what it had printed before dying.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        WaitForExit(TimeSpan.FromSeconds(30));
    }

    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"fault host {Id} did not exit within {timeout}");
        _process.WaitForExit();
        _exited.Task.Wait(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
