using BenchmarkDotNet.Attributes;
using Condense.Metrics;

namespace Condense.Bench;

/// <summary>cond₁(W) = ‖W‖₁·‖W⁻¹‖₁ of a square matrix (issue 4: ≤ 0.35 s at 1000×1000; numpy pinv 0.33 s).</summary>
[MemoryDiagnoser]
public class ConditionNumberBenchmarks
{
    float[] _w = [];

    [Params(256, 1000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, N, N, 0.05, 0));

    [Benchmark]
    public double Cond1() => ConditionNumber.OneNorm(_w, N, N);
}
