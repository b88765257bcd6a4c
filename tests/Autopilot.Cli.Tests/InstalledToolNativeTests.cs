using Autopilot.Cli.Tests.Infrastructure;

namespace Autopilot.Cli.Tests;

/// <summary>
/// The installed tool (<see cref="InstalledTool"/>: the NativeAOT package with AUTOPILOT_LONG_TESTS=1, the portable
/// one otherwise) answers hot commands in its front, and still runs the Roslyn-backed gate in the managed CLI.
/// </summary>
[Collection(InstalledToolCollection.Name)]
public sealed class InstalledToolNativeTests : IDisposable
{
    private static readonly Dictionary<string, string> s_nativeOnly = new() { ["AUTOPILOT_NATIVE_ONLY"] = "1" };
    private readonly InstalledTool _tool;
    private readonly TempGitRepo _repo = SampleRepository.Create();

    public InstalledToolNativeTests(InstalledTool tool) => _tool = tool;

    public void Dispose() => _repo.Dispose();

    private ProcessResult Run(string? stdin, IDictionary<string, string>? environment, params string[] args) =>
        TestProcess.Run(_tool.Executable, args, _repo.Path, environment, timeoutMs: 120_000, stdin: stdin);

    [Fact]
    public void TheHookAnswersInTheFront()
    {
        var e = "{\"session_id\":\"s\",\"cwd\":\"" + _repo.Path + "\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf ~\"}}";
        var result = Run(e, s_nativeOnly, "hook", "claude-code");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("\"permissionDecision\":\"deny\"", result.StdOut);
    }

    [Fact]
    public void TheGateStillWorksFromTheSameTool()
    {
        var clean = Run(null, null, "gate");
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.EndsWith("0 file(s)", clean.StdOut.Trim());

        _repo.Write("src/App/Config.cs", "class Config {\n  const string Key = \"AKIAIOSFODNN7EXAMPLF\";\n}\n");
        var secret = Run(null, null, "gate", "--format", "json");
        Assert.True(secret.ExitCode == 2, secret.ToString());
        Assert.Contains("AP-DIFF-SECRETS", secret.StdOut);
    }
}
