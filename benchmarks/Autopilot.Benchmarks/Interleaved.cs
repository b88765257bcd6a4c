using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Autopilot.Benchmarks;

/// <summary>
/// A cross-check of BenchmarkDotNet's ratios on a shared machine: BenchmarkDotNet measures a class's methods one
/// after another, so when the disk's fsync latency drifts (other engineers' builds share it) a method and its
/// baseline are timed under different conditions. This runs the class's [Benchmark] methods interleaved (a, b, c,
/// a, b, c, …) after its [GlobalSetup], and prints each one's median, p10 and p90, and its median over the
/// baseline's. <c>-- interleaved &lt;ClassName&gt; [rounds]</c>.
/// </summary>
public static class Interleaved
{
    public static int Run(string className, int rounds)
    {
        var type = typeof(Interleaved).Assembly.GetTypes().SingleOrDefault(t => t.Name == className)
            ?? throw new ArgumentException($"no benchmark class '{className}'");
        object instance = Activator.CreateInstance(type)!;
        var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null).ToList();
        var baseline = methods.FirstOrDefault(m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline) ?? methods[0];
        type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)?.Invoke(instance, null);
        var times = methods.ToDictionary(m => m, _ => new List<double>(rounds));
        try
        {
            for (int round = 0; round < rounds; round++)
            {
                foreach (var method in methods)
                {
                    long start = Stopwatch.GetTimestamp();
                    method.Invoke(instance, null);
                    times[method].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
            }
        }
        finally
        {
            type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null)?.Invoke(instance, null);
        }

        // The first tenth is warm-up (JIT, pools, prepared statements).
        List<double> Sorted(MethodInfo m) => times[m].Skip(rounds / 10).Order().ToList();
        double baselineMedian = Sorted(baseline)[Sorted(baseline).Count / 2];
        Console.WriteLine($"{className}: {rounds} rounds interleaved, baseline {baseline.Name}");
        foreach (var method in methods)
        {
            var sorted = Sorted(method);
            double median = sorted[sorted.Count / 2];
            Console.WriteLine($"  {method.Name,-22} median {median,9:0.0} us  p10 {sorted[sorted.Count / 10],9:0.0}  p90 {sorted[sorted.Count * 9 / 10],9:0.0}  ratio {median / baselineMedian:0.00}");
        }

        return 0;
    }
}
