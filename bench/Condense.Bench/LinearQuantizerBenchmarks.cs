using BenchmarkDotNet.Attributes;
using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Bench;

/// <summary>Symmetric int8 linear quantization, one scale per output channel (row), of an out×in layer.</summary>
[MemoryDiagnoser]
public class LinearQuantizerBenchmarks
{
    float[] _w = [];
    long[] _shape = [];
    readonly LinearQuantizer _quantizer = new(new LinearQuantizationOptions(LinearPrecision.Int8) { Granularity = Granularity.PerChannel });

    /// <summary>The classifier's fc2 (1000×1000) and a transformer-sized 4096×4096 projection.</summary>
    [Params(1000, 4096)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, N, N, 0.05, 0));
        _shape = [N, N];
    }

    [Benchmark]
    public LinearQuantized Int8PerChannel() => _quantizer.Quantize(_w, _shape);
}
