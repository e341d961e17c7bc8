namespace Condense.Quantization;

/// <summary>
/// One quantized parameter of a model: exactly one of <paramref name="Shared"/> (k-means) or
/// <paramref name="Linear"/> is set. The common seam for writers (safetensors, ONNX) and reports.
/// </summary>
public sealed record QuantizedParameter(string Name, SharedWeights? Shared, LinearQuantized? Linear)
{
    /// <summary>The parameter's shape, whichever encoding holds it.</summary>
    public long[] Shape => Shared?.Shape ?? Linear!.Shape;

    /// <summary>Q, the values the model computes with.</summary>
    public float[] Reconstruct() => Shared?.Reconstruct() ?? Linear!.Reconstruct();

    /// <summary>Exact bytes of what is stored.</summary>
    public SizeBreakdown Size => Shared?.Size ?? Linear!.Size;

    /// <summary>Bits per code, whichever encoding holds it.</summary>
    public int Bits => Shared?.Bits ?? Linear!.Bits;

    /// <summary>Centroids per codebook (k-means) or integer levels (linear).</summary>
    public int Levels => Shared?.CodebookSize ?? (Linear!.Precision == LinearPrecision.Ternary ? 3 : 1 << Linear.Bits);

    /// <summary>A short description: "kmeans 5-bit (HistogramDpLloyd)" or "linear Int8 per-channel symmetric".</summary>
    public string Describe() => Shared is { } s
        ? $"kmeans {s.Bits}-bit{(s.Granularity == Granularity.PerChannel ? " per-channel" : "")}{(s.Huffman is not null ? " huffman" : "")}{(s.Method is { } m ? $" ({m})" : "")}"
        : $"linear {Linear!.Precision}{(Linear.Granularity == Granularity.PerChannel ? " per-channel" : "")} {(Linear.Symmetric ? "symmetric" : "asymmetric")}";
}
