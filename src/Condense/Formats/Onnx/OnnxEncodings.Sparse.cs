using System.Buffers.Binary;
using Condense.Codecs;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Lays out the entries of a sparse tensor (padding zeros included) as initializers and nodes whose
/// output, named <c>output</c>, is the float value of each entry; returns those values as the
/// decoder will produce them.
/// </summary>
/// <param name="g">The graph being built.</param>
/// <param name="entries">The value of each <see cref="RelativeIndex"/> entry in order; zero for padding.</param>
/// <param name="padding">Which entries are padding (no element of the tensor behind them).</param>
/// <param name="output">The name the decoded entries must have.</param>
internal delegate float[] SparseEntryLayout(OnnxGraphBuilder g, float[] entries, bool[] padding, string output);

internal static partial class OnnxEncodings
{
    /// <summary>
    /// A mostly-zero tensor as a layout of the one <see cref="RelativeIndex"/> encoding at 8 bits: one
    /// uint8 gap per entry (zeros skipped since the previous entry; a padding entry of a zero value
    /// bridges a run longer than 255) and the entries' values laid out by <paramref name="encodeEntries"/>.
    /// The graph rebuilds absolute positions as <c>CumSum(Cast(gaps) + 1) − 1</c> (int64) and
    /// scatters the values into zeros (<c>ScatterElements</c>, opset ≥ 11), then reshapes.
    /// </summary>
    /// <remarks>
    /// One byte a position instead of an int32: the positions cost a quarter of what absolute indices
    /// did, and they are the same positions Condense's own <c>.csparse</c> and Deep Compression files
    /// store, from the same encoder. Padding entries land on positions that are zero anyway, so
    /// scattering their zero value there changes nothing. Every op and type used has an ONNX Runtime
    /// CPU kernel (Cast uint8→int64, Add/Sub/CumSum on int64, ScatterElements with int64 indices), and
    /// all of it reads only initializers, so the runtime constant-folds it at load time.
    /// </remarks>
    public static float[] Sparse(OnnxGraphBuilder g, float[] values, long[] shape, string output, SparseEntryLayout encodeEntries)
    {
        if (g.Opset < 11) throw new CondenseException($"{output}: a sparse weight needs opset ≥ 11 (CumSum, ScatterElements), not {g.Opset}");
        var (gaps, sources) = RelativeIndex.Encode<float>(values, RelativeIndex.MaxBits);
        var entries = sources.Select(s => s < 0 ? 0f : values[s]).ToArray();
        var padding = sources.Select(s => s < 0).ToArray();

        var stored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::gaps_u8"), DataType.Uint8, gaps, [gaps.Length]));
        var wide = g.Name($"{output}::gaps");
        g.Node("Cast", [stored], wide, OnnxGraphBuilder.Int("to", (long)DataType.Int64));
        var one = g.Add(OnnxTensorData.Int64(g.Name($"{output}::one"), [1]));
        var steps = g.Name($"{output}::steps");
        g.Node("Add", [wide, one], steps);
        var axis = g.Add(OnnxTensorData.Int64(g.Name($"{output}::cumsum_axis"), [0]));
        var ends = g.Name($"{output}::entry_ends");
        g.Node("CumSum", [steps, axis], ends);
        var positions = g.Name($"{output}::positions");
        g.Node("Sub", [ends, one], positions);

        var valuesName = g.Name($"{output}::nonzero");
        var decoded = encodeEntries(g, entries, padding, valuesName);
        ScatterIntoZeros(g, positions, valuesName, values.Length, shape, output);
        var back = new float[values.Length];
        for (var j = 0; j < sources.Length; j++) if (sources[j] >= 0) back[sources[j]] = decoded[j];
        return back;
    }

    /// <summary>
    /// The tail both sparse layouts share: the values scattered at their flat int64 positions into
    /// <paramref name="length"/> zeros (<c>ConstantOfShape</c> + <c>ScatterElements</c>), reshaped to
    /// <paramref name="shape"/> under the name <paramref name="output"/>.
    /// </summary>
    static void ScatterIntoZeros(OnnxGraphBuilder g, string positions, string values, long length, long[] shape, string output)
    {
        var lengthName = g.Add(OnnxTensorData.Int64(g.Name($"{output}::dense_length"), [length], 1));
        var zeros = g.Name($"{output}::zeros");
        g.Node("ConstantOfShape", [lengthName], zeros, OnnxGraphBuilder.Tensor("value", OnnxTensorData.FromFloat32("", [0f], [1])));
        var flat = g.Name($"{output}::scattered");
        g.Node("ScatterElements", [zeros, positions, values], flat, OnnxGraphBuilder.Int("axis", 0));
        var target = g.Add(OnnxTensorData.Int64(g.Name($"{output}::shape"), shape, shape.Length));
        g.Node("Reshape", [flat, target], output);
    }

    /// <summary>
    /// The entries of a sparse tensor through k-means: the codebook is found on the real non-zeros
    /// only (as the dense encoding of the non-zeros would find it, so padding cannot pull a centroid
    /// towards zero), and padding entries index one extra centroid of exactly zero. With a full
    /// codebook that extra centroid costs the indices one more bit, only in tensors that have padding
    /// (a run of more than 255 zeros).
    /// </summary>
    public static float[] SparseKMeans(OnnxGraphBuilder g, float[] entries, bool[] padding, string output, int bits, int seed)
    {
        var real = entries.Where((_, j) => !padding[j]).ToArray();
        var shared = new KMeansCodec(bits, seed: seed).Encode(real, [real.Length], null);
        var realIndices = shared.CodeIntegers();
        var realDecoded = shared.Decode();
        var padded = padding.Any(p => p);
        float[] codebook = padded ? [.. shared.Codebook, 0f] : shared.Codebook;
        var zeroCode = shared.Codebook.Length;
        var indices = new int[entries.Length];
        var back = new float[entries.Length];
        for (int j = 0, k = 0; j < entries.Length; j++)
        {
            if (padding[j]) { indices[j] = zeroCode; continue; }
            back[j] = realDecoded[k];
            indices[j] = realIndices[k++];
        }
        var used = bits;
        while (padded && zeroCode >= 1 << used) used++;
        var book = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::codebook"), codebook, [codebook.Length]));
        string index;
        if (used > 8)
        {
            // More than 256 centroids: uint16 indices, cast to int32 for the Gather.
            var bytes = new byte[2 * indices.Length];
            for (var j = 0; j < indices.Length; j++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * j), (ushort)indices[j]);
            var wide = g.Add(OnnxTensorData.Raw(g.Name($"{output}::indices_u16"), DataType.Uint16, bytes, [indices.Length]));
            index = g.Name($"{output}::indices");
            g.Node("Cast", [wide], index, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        }
        else
        {
            if (!PackingPays(g, entries.Length, used)) used = 8;
            index = UnpackedIndices(g, indices, used, [entries.Length], output);
        }
        g.Node("Gather", [book, index], output, OnnxGraphBuilder.Int("axis", 0));
        return back;
    }
}
