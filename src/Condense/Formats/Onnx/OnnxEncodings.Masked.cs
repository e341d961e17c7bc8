using Condense.Codecs;
using Condense.Quantization;

namespace Condense.Formats.Onnx;

internal static partial class OnnxEncodings
{
    /// <summary>
    /// A mostly-zero tensor as a 1-bit mask (bit planes, as the codebook indices) plus its non-zeros in
    /// order (float32, or on one linear grid of <paramref name="bits"/> &lt; 32), decoded by NonZero on the
    /// mask, ScatterElements into zeros and a Reshape (opset ≥ 11). Relative-index gaps (the compressor's
    /// <see cref="Sparse"/>) cost 8 bits per non-zero; the mask costs one bit per weight, so it is the
    /// smaller layout whenever more than one weight in eight is kept, which is what lets a 50 % sparse
    /// layer compete with a 4-bit grid in a byte budget.
    /// </summary>
    public static void MaskedSparse(OnnxGraphBuilder g, float[] values, long[] shape, string output, int bits)
    {
        if (g.Opset < 11) throw new CondenseException($"{output}: a sparse weight needs opset ≥ 11 (ScatterElements), not {g.Opset}");
        var n = values.Length;
        var mask = new int[n];
        var nonZero = new List<float>();
        for (int i = 0; i < n; i++)
            if (values[i] != 0) { mask[i] = 1; nonZero.Add(values[i]); }
        // One bit a weight where the shared bit table pays for itself; a byte a weight in a small model where it does not.
        var maskIndex = UnpackedIndices(g, mask, PackingPays(g, n, 1) ? 1 : 8, [n], $"{output}::mask");
        var found = g.Name($"{output}::nonzero_positions");
        g.Node("NonZero", [maskIndex], found);
        var flatShape = g.Add(OnnxTensorData.Int64(g.Name($"{output}::positions_shape"), [-1], 1));
        var positions = g.Name($"{output}::positions");
        g.Node("Reshape", [found, flatShape], positions);
        var nonZeroName = g.Name($"{output}::nonzero");
        if (bits >= 32) g.Add(OnnxTensorData.FromFloat32(nonZeroName, [.. nonZero], [nonZero.Count]));
        else Linear(g, [.. nonZero], [nonZero.Count], nonZeroName, bits, null);
        ScatterIntoZeros(g, positions, nonZeroName, n, shape, output);
    }

    /// <summary>
    /// What <see cref="MaskedSparse"/> decodes: the zeros as they are, the non-zeros through the same
    /// per-tensor grid as <see cref="Linear"/> (a function of each value and the non-zeros' range only, so
    /// the order of the non-zeros, matrix or tensor layout, does not matter).
    /// </summary>
    public static float[] MaskedValues(float[] values, int bits)
    {
        if (bits >= 32) return values;
        var nonZero = values.Where(v => v != 0).ToArray();
        if (nonZero.Length == 0) return values;
        var decoded = new LinearCodec(new LinearCodecOptions(bits, LinearGrid.Unsigned) { Symmetric = false }).Encode(nonZero, [nonZero.Length], null).Decode();
        var result = new float[values.Length];
        for (int i = 0, k = 0; i < values.Length; i++) if (values[i] != 0) result[i] = decoded[k++];
        return result;
    }
}
