namespace Condense.Quantization;

/// <summary>
/// Condense's model-file layout of a linear <see cref="Codecs.EncodedTensor"/>: integer codes packed at <see cref="Bits"/> bits, and per group
/// (tensor or output channel) a float32 scale γ and, when asymmetric, an int32 zero point.
/// Value = γ·(q − zero point) with q = code + qmin.
/// </summary>
/// <param name="Shape">Original shape (channels are dimension 0).</param>
/// <param name="Precision">Integer format.</param>
/// <param name="Symmetric">Whether zero points are all 0 (then they are not stored).</param>
/// <param name="Granularity">Per tensor or per output channel.</param>
/// <param name="Scales">γ per group.</param>
/// <param name="ZeroPoints">Zero point per group (stored only when asymmetric).</param>
/// <param name="Packed">Codes q − qmin, <see cref="Bits"/> bits each.</param>
public sealed record LinearQuantized(
    long[] Shape, LinearPrecision Precision, bool Symmetric, Granularity Granularity,
    float[] Scales, int[] ZeroPoints, byte[] Packed)
{
    /// <summary>Bits per code, from the precision.</summary>
    public int Bits => new LinearQuantizationOptions(Precision).Bits;

    /// <summary>The layout of a tensor the linear codec encoded in <paramref name="precision"/> (codes bit-packed).</summary>
    public static LinearQuantized From(Codecs.EncodedTensor e, LinearPrecision precision) =>
        new(e.Shape, precision, e.Symmetric, e.Scales.Length > 1 ? Granularity.PerChannel : Granularity.PerTensor,
            e.Scales, e.ZeroPoints, BitPacking.Pack(e.CodeIntegers(), e.Bits));
    /// <summary>Number of elements (the product of the shape).</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Smallest integer of the format (codes are stored as q − QMin).</summary>
    public int QMin => LinearQuantizer.Range(Precision, Symmetric).QMin;

    /// <summary>The integers q (for an int8 kernel or an ONNX initializer).</summary>
    public int[] Integers()
    {
        var codes = new int[Count];
        BitPacking.Unpack(Packed, Bits, codes);
        int qmin = QMin;
        for (int i = 0; i < codes.Length; i++) codes[i] += qmin;
        return codes;
    }

    /// <summary>The dequantized values γ·(q − β), row-major: what a consumer of the codes computes with, and what the error is measured on.</summary>
    public float[] Reconstruct()
    {
        var q = Integers();
        var r = new float[q.Length];
        long per = q.Length / Scales.Length;
        for (long i = 0; i < q.Length; i++)
        {
            long g = i / per;
            // Binary codes {0, 1} stand for ∓γ.
            r[i] = Precision == LinearPrecision.Binary ? Scales[g] * (2 * q[i] - 1) : Scales[g] * (q[i] - ZeroPoints[g]);
        }
        return r;
    }

    /// <summary>Exact bytes: packed codes, float32 scales, int32 zero points when asymmetric.</summary>
    public SizeBreakdown Size => new(Count * 4, Packed.Length, 0, Scales.Length * 4L + (Symmetric ? 0 : ZeroPoints.Length * 4L), 0);
}
