using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/Autopilot.Benchmarks -- --filter '*'` (see benchmarks/README.md).
BenchmarkSwitcher.FromAssembly(typeof(Autopilot.Benchmarks.EngineBenchmarks).Assembly).Run(args);
