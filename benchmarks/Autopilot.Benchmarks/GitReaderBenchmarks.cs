using System.Diagnostics;
using Autopilot.Changes.Git;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// The gate's git reading on real history: the change of each of the last 50 commits (against its first parent) of
/// a repository (AUTOPILOT_BENCH_REPO, default: the repository these benchmarks run in), read through libgit2
/// in-process and through the git command line, in the same run; and the working tree against HEAD (what
/// `autopilot gate` reads by default). The setup checks that both readers agree on every commit.
/// </summary>
[MemoryDiagnoser]
public class GitReaderBenchmarks
{
    private string _repo = "";
    private List<(string Parent, string Commit)> _commits = [];

    [Params("libgit2", "cli")]
    public string Reader { get; set; } = "libgit2";

    [GlobalSetup]
    public void Setup()
    {
        _repo = Environment.GetEnvironmentVariable("AUTOPILOT_BENCH_REPO") is { Length: > 0 } given ? given : Directory.GetCurrentDirectory();
        var log = Git("log", "--first-parent", "--no-merges", "-n", "50", "--format=%H %P");
        _commits = [.. log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length >= 2)
            .Select(parts => (parts[1], parts[0]))];
        var libgit2 = Summaries(GitReaderKind.LibGit2);
        var cli = Summaries(GitReaderKind.Cli);
        var differing = libgit2.Zip(cli).Count(pair => pair.First != pair.Second);
        Console.WriteLine($"// git readers over {_commits.Count} commits of {_repo}: {differing} commit(s) read differently");
        foreach (var (first, second) in libgit2.Zip(cli).Where(pair => pair.First != pair.Second).Take(5))
        {
            Console.WriteLine($"//   libgit2: {first}\n//   cli:     {second}");
        }
    }

    /// <summary>Open the repository once, then read the last 50 commits' changes with their hunks.</summary>
    [Benchmark]
    public int LastFiftyCommits()
    {
        var reader = GitReaders.Open(_repo, Kind);
        var lines = 0;
        foreach (var (parent, commit) in _commits)
        {
            lines += reader.ReadRange(parent, commit).AddedCount;
        }

        (reader as IDisposable)?.Dispose();
        return lines;
    }

    /// <summary>Open the repository and read the working tree against HEAD with untracked files.</summary>
    [Benchmark]
    public int WorkingTree()
    {
        var reader = GitReaders.Open(_repo, Kind);
        var files = reader.ReadWorkingTree().Files.Count;
        (reader as IDisposable)?.Dispose();
        return files;
    }

    private GitReaderKind Kind => Reader == "cli" ? GitReaderKind.Cli : GitReaderKind.LibGit2;

    private List<string> Summaries(GitReaderKind kind)
    {
        var reader = GitReaders.Open(_repo, kind);
        return [.. _commits.Select(c => string.Join(" ", reader.ReadRange(c.Parent, c.Commit).Files
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => $"{f.Kind}:{f.OldPath}>{f.NewPath}:+{f.AddedCount}-{f.RemovedCount}:{f.Hunks.Count}")))];
    }

    private string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, WorkingDirectory = _repo };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
