using BenchmarkDotNet.Attributes;
using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Bench;

/// <summary>
/// 1-D k-means of an n×n N(0, 0.05²) matrix (issue 4's workload): the default fast path and the
/// exact dynamic programme, at 4 and 8 bits. 1000×1000 at 8 bits is the figure
/// (targets: fast ≤ 0.5 s, exact ≤ 2 s).
/// </summary>
[MemoryDiagnoser]
public class KMeansBenchmarks
{
    float[] _w = [];

    /// <summary>Matrix side: 256 (65,536 weights) and 1000 (the 1,000,000).</summary>
    [Params(256, 1000)]
    public int N { get; set; }

    [Params(4, 8)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup() => _w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, N, N, 0.05, 0));

    [Benchmark(Baseline = true)]
    public double Fast() => KMeans1D.Fit(_w, new KMeansOptions(1 << Bits)).Sse;

    [Benchmark]
    public double Exact() => KMeans1D.Fit(_w, new KMeansOptions(1 << Bits, CentroidInit.Exact)).Sse;
}
