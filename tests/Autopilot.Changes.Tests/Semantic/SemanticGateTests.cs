using System.Diagnostics;
using System.Text.Json;
using Autopilot.Changes.CSharp;
using Autopilot.Changes.CSharp.Semantic;
using Autopilot.Core.Decisions;
using Autopilot.Policy.Model;
using Xunit.Abstractions;

namespace Autopilot.Changes.Tests.Semantic;

/// <summary><c>autopilot gate --semantic</c> on a real repository: through <c>ChangeGate</c>, directly, and as a process.</summary>
public sealed class SemanticGateTests(SemanticRepoFixture fixture, ITestOutputHelper output) : IClassFixture<SemanticRepoFixture>
{
    private static string Show(IEnumerable<Finding> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Location?.Path}:{f.Location?.Line} {f.RuleId} {f.Message}"));

    private static List<string> Banned(IEnumerable<Finding> findings, string path) =>
        findings.Where(f => f.RuleId == "AP-BANNED" && f.Location?.Path == path)
            .Select(f => $"{f.Location!.Line}:{f.Message.Split('\'')[1]}")
            .ToList();

    [Fact]
    public void Semantic_mode_reports_the_new_banned_overload_through_variables_and_nothing_else()
    {
        var findings = fixture.Semantic.Decision.Findings;
        output.WriteLine($"semantic gate: {fixture.SemanticTime.TotalMilliseconds:0} ms\n{Show(findings)}");

        // (a) p.Kill() and a Kill() on another project's return value; Directory.Delete(string) but not (b) Kill(bool),
        // Delete(string, bool), (c) Lib.Console or (d) the Kill() that was there before.
        Assert.Equal(["13:p.Kill", "17:Directory.Delete", "18:Core.Factory.Make().Kill"], Banned(findings, "src/Lib/Worker.cs"));
        Assert.Equal(Verdict.Deny, fixture.Semantic.Decision.Verdict);
        var use = findings.First(f => f.Location?.Path == "src/Lib/Worker.cs");
        Assert.Equal((Severity.Deny, 9), (use.Severity, use.Location!.Column));
        Assert.Contains("New use of banned API M:System.Diagnostics.Process.Kill ('p.Kill' in Lib.Worker.Added()): Do not kill processes.", use.Message);
        Assert.DoesNotContain(findings, f => f.RuleId == SemanticBannedApiAnalysis.FallbackRuleId && f.Location?.Path == "src/Lib/Worker.cs");
    }

    [Fact]
    public void Syntax_mode_misses_the_variable_and_flags_the_look_alike_type()
    {
        var findings = fixture.Syntax.Decision.Findings;
        output.WriteLine(Show(findings));
        Assert.Equal(["15:Console.WriteLine", "16:Directory.Delete", "17:Directory.Delete"], Banned(findings, "src/Lib/Worker.cs"));
        Assert.DoesNotContain(findings, f => f.RuleId == SemanticBannedApiAnalysis.FallbackRuleId);
    }

    [Fact]
    public void Files_that_cannot_be_analysed_semantically_fall_back_to_syntax_with_a_warning_each()
    {
        var findings = fixture.Semantic.Decision.Findings;
        var warnings = findings.Where(f => f.RuleId == SemanticBannedApiAnalysis.FallbackRuleId).ToDictionary(f => f.Location!.Path, f => f.Message);
        Assert.Equal(["src/Broken/Thing.cs", "src/Lib/Bad.cs", "tools/Script.cs"], warnings.Keys.Order(StringComparer.Ordinal));
        Assert.All(findings.Where(f => f.RuleId == SemanticBannedApiAnalysis.FallbackRuleId), f => Assert.Equal(Severity.Warning, f.Severity));
        Assert.Contains("CS0029 at line 5", warnings["src/Lib/Bad.cs"]);
        Assert.DoesNotContain("restore", warnings["src/Lib/Bad.cs"]); // a type error, not a missing package
        Assert.Contains("Broken.csproj", warnings["src/Broken/Thing.cs"]);
        Assert.Contains("no project file", warnings["tools/Script.cs"]);
        Assert.Contains("Syntax matching was used instead", warnings["tools/Script.cs"]);

        // Their uses are still reported, by syntax (Bad.cs's Console is Lib.Console, but syntax cannot know).
        Assert.Equal(["5:Console.WriteLine"], Banned(findings, "src/Lib/Bad.cs"));
        Assert.Equal(["1:System.Console.WriteLine"], Banned(findings, "src/Broken/Thing.cs"));
        Assert.Equal(["1:System.Console.WriteLine"], Banned(findings, "tools/Script.cs"));
    }

    [Fact]
    public void The_repository_is_left_as_it_was()
    {
        // Design-time builds wrote to a temporary folder, not obj/ or bin/ beside the projects.
        Assert.Empty(Directory.GetDirectories(fixture.Repo.Path, "obj", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(fixture.Repo.Path, "bin", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_change_texts_are_analysed_not_the_files_on_disk_and_timings_are_reported()
    {
        // As for --staged or --head: the new text differs from what is on disk (WorkerAfter).
        var staged = SemanticRepoFixture.WorkerBefore.Replace(
            "    }\n}",
            "    }\n\n    public void Other() => System.Diagnostics.Process.GetCurrentProcess().Kill();\n}",
            StringComparison.Ordinal);
        var entries = CSharpRules.BannedEntries(fixture.Engine.Plan.Diff);
        var result = new SemanticBannedApiAnalysis(new SemanticOptions(fixture.Repo.Path))
            .Analyze([new CSharpFileChange("src/Lib/Worker.cs", SemanticRepoFixture.WorkerBefore, staged)], entries);
        output.WriteLine($"open {result.OpenTime.TotalMilliseconds:0} ms, analysis {result.AnalysisTime.TotalMilliseconds:0} ms, projects {string.Join(", ", result.Projects)}");

        Assert.Empty(result.Warnings);
        Assert.Equal(["src/Lib/Worker.cs"], result.AnalysedPaths);
        var use = Assert.Single(result.Uses);
        Assert.Equal(("M:System.Diagnostics.Process.Kill", "Lib.Worker.Other()", 10), (use.Entry, use.Member, use.Location.Line));
        Assert.Equal(Path.Combine(fixture.Repo.Path, "src", "Lib", "Lib.csproj"), Assert.Single(result.Projects));
        Assert.True(result.OpenTime > TimeSpan.Zero && result.AnalysisTime > TimeSpan.Zero);
    }

    [Fact]
    public void Without_a_dotnet_host_every_file_falls_back_with_the_reason()
    {
        var options = new SemanticOptions(fixture.Repo.Path) { Environment = _ => null, ProcessPath = null };
        var clock = Stopwatch.StartNew();
        var findings = SemanticCSharpRules.Analyze(
            [new CSharpFileChange("src/Lib/Worker.cs", SemanticRepoFixture.WorkerBefore, SemanticRepoFixture.WorkerAfter)],
            fixture.Engine.Plan.Diff,
            options);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "no workspace should have been opened");
        var warning = Assert.Single(findings, f => f.RuleId == SemanticBannedApiAnalysis.FallbackRuleId);
        Assert.Contains("dotnet host was not found", warning.Message);
        Assert.Equal(["15:Console.WriteLine", "16:Directory.Delete", "17:Directory.Delete"], Banned(findings, "src/Lib/Worker.cs"));
    }

    [Fact]
    public async Task The_cli_gate_with_semantic_prints_the_same_findings_as_json()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "autopilot.dll");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = fixture.Repo.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { cli, "gate", "--semantic", "--format", "json", "--policy", fixture.PolicyPath, "--base", "main" })
        {
            info.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine($"cli: {clock.ElapsedMilliseconds} ms, exit {process.ExitCode}\n{stdout}\n{await stderr}");

        Assert.Equal(2, process.ExitCode); // deny
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("deny", json.RootElement.GetProperty("verdict").GetString());
        var printed = json.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("location").GetProperty("path").GetString()}:{f.GetProperty("location").GetProperty("line").GetInt32()} {f.GetProperty("ruleId").GetString()}")
            .Order(StringComparer.Ordinal);
        var judged = fixture.Semantic.Decision.Findings.Select(f => $"{f.Location!.Path}:{f.Location.Line} {f.RuleId}").Order(StringComparer.Ordinal);
        Assert.Equal(judged, printed);
    }
}
