using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/Autopilot.Benchmarks -- --filter '*'` (see benchmarks/README.md).
// `-- postgres-load <connection> [appenders] [seconds]`: the 64-appender throughput run (see postgres-load.sh).
if (args is ["postgres-load", var connection, ..])
{
    return Autopilot.Benchmarks.PostgresLoad.Run(connection,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 64,
        args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 10);
}

// `-- glob-stopwatch [rounds]`: old (regex) vs new (hand-written) glob sets of the default policy, timed with a Stopwatch.
if (args is ["glob-stopwatch", ..])
{
    return Autopilot.Benchmarks.GlobBenchmarks.Stopwatch(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
}

// `-- interleaved <ClassName> [rounds]`: the class's methods interleaved, medians (a cross-check of the ratios; Interleaved.cs).
if (args is ["interleaved", var className, ..])
{
    return Autopilot.Benchmarks.Interleaved.Run(className,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}

BenchmarkSwitcher.FromAssembly(typeof(Autopilot.Benchmarks.EngineBenchmarks).Assembly).Run(args);
return 0;
