using System.Buffers.Binary;
using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// One tensor after an <see cref="ITensorCodec"/>: its codes, the side tensors that give the
/// codes their values (scales and zero points, or codebooks), its shape and the channel axis the
/// side tensors run along, the exact bytes it needs and what it cost. It is the single value every
/// writer lays out (Condense's safetensors model file, ONNX initializers and decoding nodes, the
/// Studio's download), so a method is written once and measured once.
/// </summary>
/// <remarks>
/// Immutable by contract: the codec allocates every array and nobody writes to them afterwards
/// (records cannot freeze arrays without copying megabytes). Codes are unsigned, one byte per
/// element for widths up to 8 bits, and two bytes per element (little-endian bit patterns) for
/// the 16-bit floats; packing them tighter is a layout's business (<see cref="BitPacking"/>, ONNX
/// bit planes or nibbles). <b>Ratio</b> means compressed ÷ original everywhere in this seam
/// (<see cref="Ratio"/>, <see cref="SizeBreakdown.Ratio"/>): 0.25 is "a quarter of the bytes".
/// </remarks>
public sealed record EncodedTensor
{
    /// <summary>How <see cref="Codes"/> become values.</summary>
    public required CodecKind Kind { get; init; }

    /// <summary>The original tensor's shape (row-major).</summary>
    public required long[] Shape { get; init; }

    /// <summary>The axis the per-group side tensors run along; null when one group covers the tensor.</summary>
    public int? ChannelAxis { get; init; }

    /// <summary>Bits of information per code (16 for the 16-bit floats).</summary>
    public required int Bits { get; init; }

    /// <summary>Unsigned codes, one byte each (two for <see cref="CodecKind.Float16"/>/<see cref="CodecKind.BFloat16"/>).</summary>
    public required byte[] Codes { get; init; }

    /// <summary>Linear only: the integer a code stands for is code + CodeOffset (the grid's smallest integer).</summary>
    public int CodeOffset { get; init; }

    /// <summary>Linear: one scale γ per group.</summary>
    public float[] Scales { get; init; } = [];

    /// <summary>Linear: one zero point per group, on the grid's integers (0 when symmetric and signed).</summary>
    public int[] ZeroPoints { get; init; } = [];

    /// <summary>Whether the zero points are fixed by the grid (symmetric) and so need not be stored.</summary>
    public bool Symmetric { get; init; }

    /// <summary>Codebook: groups × 2^bits centroids, ascending within a group.</summary>
    public float[] Codebook { get; init; } = [];

    /// <summary>Codebook: how k-means found it (solver and its own SSE); null for other codecs.</summary>
    public KMeansFit? Fit { get; init; }

    /// <summary>Exact bytes of the codes packed at <see cref="Bits"/> bits and of the side tensors, and the float32 original.</summary>
    public required SizeBreakdown Size { get; init; }

    /// <summary>Error of <see cref="Decode"/> against the original, computed once at encoding.</summary>
    public required TensorError Error { get; init; }

    /// <summary>Elements of the tensor.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Compressed ÷ original bytes (the one meaning of "ratio" here: smaller is better).</summary>
    public double Ratio => Size.Ratio;

    /// <summary>Number of groups (scales or codebooks); 1 for the 16-bit floats.</summary>
    public int Groups => Kind switch
    {
        CodecKind.Linear or CodecKind.Binary => Scales.Length,
        CodecKind.Codebook => Codebook.Length >> Bits,
        _ => 1,
    };

    /// <summary>The values a consumer computes with: every layout's decoder reproduces exactly these floats.</summary>
    public float[] Decode()
    {
        var n = Count;
        switch (Kind)
        {
            case CodecKind.Float16: return FloatCast.FromFloat16(Bits16());
            case CodecKind.BFloat16: return FloatCast.FromBFloat16(Bits16());
        }
        var r = new float[n];
        var layout = ChannelLayout.Of(Shape, ChannelAxis, n);
        int size = 1 << Bits;
        for (long i = 0; i < n; i++)
        {
            var g = layout.ChannelOf(i);
            int q = Codes[i] + CodeOffset;
            r[i] = Kind switch
            {
                // Binary codes {0, 1} stand for ∓γ.
                CodecKind.Binary => Scales[g] * (2 * q - 1),
                CodecKind.Codebook => Codebook[g * size + q],
                _ => Scales[g] * (q - ZeroPoints[g]),
            };
        }
        return r;
    }

    ushort[] Bits16()
    {
        var bits = new ushort[Codes.Length / 2];
        for (int i = 0; i < bits.Length; i++) bits[i] = BinaryPrimitives.ReadUInt16LittleEndian(Codes.AsSpan(2 * i));
        return bits;
    }

    /// <summary>The codes as integers (what <see cref="BitPacking.Pack"/> and Huffman coding take).</summary>
    public int[] CodeIntegers()
    {
        var r = new int[Codes.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Codes[i];
        return r;
    }
}
