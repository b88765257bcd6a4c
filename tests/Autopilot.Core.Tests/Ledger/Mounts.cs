using System.Diagnostics;

namespace Autopilot.Core.Tests.Ledger;

/// <summary>
/// Real file-system faults for the tests: a read-only bind mount and a tiny tmpfs. The tests run as
/// root, which ignores permission bits, so chmod cannot make a folder read-only; a read-only mount
/// can. When mounting is not permitted (no root, no CAP_SYS_ADMIN), these return false and the
/// tests fall back to the simulation they name.
/// </summary>
internal sealed class Mounts : IDisposable
{
    private readonly List<string> _mounted = [];

    public bool TryTmpfs(string target, string size)
    {
        Directory.CreateDirectory(target);
        return Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", target) && Track(target);
    }

    public bool TryReadOnlyBind(string source, string target)
    {
        Directory.CreateDirectory(target);
        if (!Run("mount", "--bind", source, target))
        {
            return false;
        }

        Track(target);
        return Run("mount", "-o", "remount,bind,ro", target);
    }

    private bool Track(string target)
    {
        _mounted.Add(target);
        return true;
    }

    private static bool Run(string file, params string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public void Dispose()
    {
        for (int i = _mounted.Count - 1; i >= 0; i--)
        {
            Run("umount", "-l", _mounted[i]);
        }
    }
}
