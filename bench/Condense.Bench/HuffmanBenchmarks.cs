using BenchmarkDotNet.Attributes;
using Condense.Metrics;
using Condense.Quantization;

namespace Condense.Bench;

/// <summary>
/// Huffman coding of k-means cluster indices, as Deep Compression stores them: the indices of a
/// 5-bit (32-centroid) k-means of N(0, 0.05²) weights, whose skewed histogram is what makes the
/// code shorter than 5 bits per weight.
/// </summary>
[MemoryDiagnoser]
public class HuffmanBenchmarks
{
    int[] _symbols = [];
    HuffmanCode _code = null!;
    const int Alphabet = 32;

    /// <summary>Symbols: the classifier's fc2 (1,000,000) and a 100,000-weight layer.</summary>
    [Params(100_000, 1_000_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var side = (int)Math.Sqrt(Count);
        var w = WeightGenerator.Generate(new WeightGeneratorOptions(WeightDistribution.Normal, side, Count / side, 0.05, 0));
        var fit = KMeans1D.Fit(w, new KMeansOptions(Alphabet));
        _symbols = w.Select(v => fit.Assign(v)).ToArray();
        _code = Huffman.Encode(_symbols, Alphabet);
    }

    [Benchmark]
    public HuffmanCode Encode() => Huffman.Encode(_symbols, Alphabet);

    [Benchmark]
    public int[] Decode() => Huffman.Decode(_code);
}
