using BenchmarkDotNet.Running;

// BenchmarkDotNet suites: `dotnet run -c Release --project bench/Condense.Bench -- --filter '*'`.
// `condense bench …` prints the issue-level figures beside the peers; these suites give the
// statistically careful micro-measurements behind them.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
