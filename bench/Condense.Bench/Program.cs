using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// BenchmarkDotNet suites of Condense's hot kernels (docs/benchmarks.md):
//   dotnet run -c Release --project bench/Condense.Bench -- --filter '*KMeans*'
// `condense bench …` prints the issue-level figures beside the peers; these suites give the
// statistically careful micro-measurements behind them. The job runs in process (no generated
// project to build, and LibTorch loads exactly as it does in the CLI) with 2 warm-ups and 10
// measured iterations: enough for a stable median on a shared 2-core machine without taking
// minutes per case.
var job = Job.Default.WithWarmupCount(2).WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddJob(job));
