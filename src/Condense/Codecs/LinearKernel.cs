using System.Runtime.Intrinsics;

namespace Condense.Codecs;

/// <summary>
/// The inner loops of the linear codec, four doubles at a time where the CPU allows: the largest
/// |x| of a group (with a NaN/∞ check for free) and q = clamp(round(x / γ) + β, qmin, qmax) with
/// round half to even. One kernel for the model quantizer, the ONNX encodings and the streaming
/// int8 encoder: they used to be three loops kept equal by a test; now the same bits come from the
/// same instructions.
/// </summary>
/// <remarks>
/// The value is widened to double and divided by the float scale in double (not float ÷ float),
/// so the result does not depend on whether the vector or the scalar path handled an element.
/// </remarks>
internal static class LinearKernel
{
    /// <summary>max |x| and whether every value is finite (v·0 is NaN exactly when v is NaN or ±∞).</summary>
    public static (float MaxAbs, bool Finite) MaxAbs(ReadOnlySpan<float> row)
    {
        float max = 0, poison = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && row.Length >= Vector256<float>.Count)
        {
            var m = Vector256<float>.Zero;
            var p = Vector256<float>.Zero;
            for (; i + Vector256<float>.Count <= row.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(row.Slice(i, Vector256<float>.Count));
                m = Vector256.Max(m, Vector256.Abs(v));
                p += v * Vector256<float>.Zero;
            }
            for (var j = 0; j < Vector256<float>.Count; j++) { max = Math.Max(max, m[j]); poison += p[j]; }
        }
        for (; i < row.Length; i++)
        {
            max = Math.Max(max, Math.Abs(row[i]));
            poison += row[i] * 0;
        }
        return (max, float.IsFinite(poison) && float.IsFinite(max));
    }

    /// <summary>
    /// Writes (byte)(clamp(round(x / <paramref name="scale"/>) + <paramref name="zero"/>, qmin, qmax) + <paramref name="offset"/>)
    /// for every x: offset −qmin gives the unsigned codes, offset 0 with a signed grid gives two's
    /// complement int8 (what a streaming shard stores).
    /// </summary>
    public static void Quantize(ReadOnlySpan<float> x, float scale, int zero, int qmin, int qmax, int offset, Span<byte> output)
    {
        double s = scale;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var divisor = Vector256.Create(s);
            var z = Vector256.Create((double)zero);
            var lo = Vector256.Create((double)qmin);
            var hi = Vector256.Create((double)qmax);
            var off = Vector256.Create((double)offset);
            for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
            {
                var (a, b) = Vector256.Widen(Vector256.Create(x.Slice(i, Vector256<float>.Count)));
                var qa = Vector256.ConvertToInt64(Vector256.Min(Vector256.Max(Vector256.Round(a / divisor) + z, lo), hi) + off);
                var qb = Vector256.ConvertToInt64(Vector256.Min(Vector256.Max(Vector256.Round(b / divisor) + z, lo), hi) + off);
                var q = Vector256.Narrow(qa, qb);
                for (var j = 0; j < Vector256<int>.Count; j++) output[i + j] = (byte)q[j];
            }
        }
        for (; i < x.Length; i++)
            output[i] = (byte)(UniformGrid.Code(x[i], scale, zero, qmin, qmax) + offset);
    }
}
