using System.Diagnostics;
using Autopilot.Changes.ChangeSets;

namespace Autopilot.Changes.Git;

/// <summary>
/// The standard output of a running git command. Reading to the end checks git's exit code and raises
/// <see cref="ChangeSetException"/> with git's message when it failed; disposing early stops git.
/// </summary>
internal sealed class GitOutputStream : Stream
{
    private readonly Process _process;
    private readonly Stream _output;
    private readonly Task<string> _error;
    private readonly string _command;
    private bool _checked;

    internal GitOutputStream(Process process, string command)
    {
        _process = process;
        _output = process.StandardOutput.BaseStream;
        _error = process.StandardError.ReadToEndAsync();
        _command = command;
    }

    /// <summary>Git's standard error, once it has exited.</summary>
    public string Error => _error.IsCompleted ? _error.Result : "";

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Waits for git to exit and returns its exit code (does not throw on failure).</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        _error.Wait();
        return _process.ExitCode;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _output.Read(buffer, offset, count);
        if (read == 0 && !_checked)
        {
            _checked = true;
            var exitCode = WaitForExit();
            if (exitCode != 0)
            {
                throw new ChangeSetException($"'git {_command}' failed (exit code {exitCode}): {Error.Trim()}");
            }
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Reads without the exit-code check (for callers that inspect the exit code themselves).</summary>
    internal int ReadRaw(byte[] buffer) => _output.Read(buffer, 0, buffer.Length);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                    _process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _output.Dispose();
            _process.Dispose();
        }

        base.Dispose(disposing);
    }
}
