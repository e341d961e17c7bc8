using BenchmarkDotNet.Attributes;
using Condense.LowRank;
using static TorchSharp.torch;

namespace Condense.Bench;

/// <summary>
/// Randomized SVD (Halko et al., p = 10, q = 2, QR between power iterations) of an n×n float32
/// Gaussian matrix at rank 50 and 200, beside the full SVD it replaces (issue 7: 1000×1000).
/// </summary>
[MemoryDiagnoser]
public class RandomizedSvdBenchmarks
{
    Tensor _a = null!;

    [Params(500, 1000)]
    public int N { get; set; }

    [Params(50, 200)]
    public int Rank { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var generator = new Generator(0);
        _a = randn([N, N], dtype: ScalarType.Float32, generator: generator);
    }

    [GlobalCleanup]
    public void Cleanup() => _a.Dispose();

    [Benchmark(Baseline = true)]
    public void Randomized() => RandomizedSvd.Compute(_a, Rank).Dispose();

    [Benchmark]
    public void Truncated() => TruncatedSvd.Compute(_a, Rank).Dispose();
}
