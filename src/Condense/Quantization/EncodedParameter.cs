using Condense.Codecs;

namespace Condense.Quantization;

/// <summary>
/// One quantized parameter of a model: the codec's <see cref="EncodedTensor"/> under the
/// parameter's name, plus the few facts of Condense's model-file layout that the codec value does
/// not hold (the integer format a linear code was fitted for, whether k-means pinned a zero
/// centroid, and whether the file stores the codes Huffman-coded). Why a thin view and not a union
/// of per-method results: a quantized model holds one kind of value whatever the method, and
/// <see cref="Models.QuantizedModelFile"/> is a layout of that value (one writer, one reader).
/// </summary>
public sealed record EncodedParameter
{
    /// <summary>The parameter's name in the model (<c>fc1.weight</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The codes, side tensors, size and error the codec produced (or the file held).</summary>
    public required EncodedTensor Encoded { get; init; }

    /// <summary>Linear codecs: the integer format the grid stands for (written to the file's description); null for k-means.</summary>
    public LinearPrecision? Precision { get; init; }

    /// <summary>K-means: centroid 0 of every codebook is exactly 0 (written to the file's description).</summary>
    public bool KeepZeros { get; init; }

    /// <summary>K-means: the codes Huffman-coded, stored instead of the bit-packed indices; null when packed.</summary>
    public HuffmanCode? Huffman { get; init; }

    /// <summary>A k-means (weight-sharing) parameter; <paramref name="huffman"/> Huffman-codes its indices for the file.</summary>
    public static EncodedParameter KMeans(string name, EncodedTensor encoded, bool keepZeros, bool huffman)
    {
        if (encoded.Kind != CodecKind.Codebook) throw new ArgumentException($"{name}: a {encoded.Kind} tensor is not a k-means encoding", nameof(encoded));
        return new()
        {
            Name = name, Encoded = encoded, KeepZeros = keepZeros,
            Huffman = huffman ? Quantization.Huffman.Encode(encoded.CodeIntegers(), 1 << encoded.Bits) : null,
        };
    }

    /// <summary>A linearly quantized parameter in <paramref name="precision"/>.</summary>
    public static EncodedParameter Linear(string name, EncodedTensor encoded, LinearPrecision precision)
    {
        if (encoded.Kind is not (CodecKind.Linear or CodecKind.Binary)) throw new ArgumentException($"{name}: a {encoded.Kind} tensor is not a linear encoding", nameof(encoded));
        return new() { Name = name, Encoded = encoded, Precision = precision };
    }

    /// <summary>Whether the codes index codebooks (k-means) rather than a linear grid.</summary>
    public bool IsKMeans => Encoded.Kind == CodecKind.Codebook;

    /// <summary>The parameter's shape.</summary>
    public long[] Shape => Encoded.Shape;

    /// <summary>Bits per code.</summary>
    public int Bits => Encoded.Bits;

    /// <summary>One codebook or scale for the tensor, or one per output channel (dimension 0).</summary>
    public Granularity Granularity => Encoded.Groups > 1 ? Granularity.PerChannel : Granularity.PerTensor;

    /// <summary>Q, the values the model computes with (<see cref="EncodedTensor.Decode"/>).</summary>
    public float[] Reconstruct() => Encoded.Decode();

    /// <summary>Exact bytes of what the model file stores: the codec's breakdown, with the Huffman stream and table in place of the packed codes when Huffman-coded.</summary>
    public SizeBreakdown Size => Huffman is { } h ? Encoded.Size with { PayloadBytes = h.StreamBytes, TableBytes = h.TableBytes } : Encoded.Size;

    /// <summary>Centroids per codebook (k-means) or integer levels (linear).</summary>
    public int Levels => Precision == LinearPrecision.Ternary ? 3 : 1 << Bits;

    /// <summary>A short description: "kmeans 5-bit (HistogramDpLloyd)" or "linear Int8 per-channel symmetric".</summary>
    public string Describe() => IsKMeans
        ? $"kmeans {Bits}-bit{(Granularity == Granularity.PerChannel ? " per-channel" : "")}{(Huffman is not null ? " huffman" : "")}{(Encoded.Fit is { } f ? $" ({f.Method})" : "")}"
        : $"linear {Precision}{(Granularity == Granularity.PerChannel ? " per-channel" : "")} {(Encoded.Symmetric ? "symmetric" : "asymmetric")}";
}
