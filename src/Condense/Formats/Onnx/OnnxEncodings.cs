using Condense.Codecs;
using Condense.Quantization;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// The compressed encodings of one float tensor as ONNX initializers plus the nodes that decode
/// them back to a float tensor named <c>output</c>. Each returns the float values the decoder
/// will produce, so the caller can measure the error without running a session.
/// </summary>
/// <remarks>
/// All decoders read only initializers, so ONNX Runtime constant-folds them when it loads the
/// model: the file is small, inference runs as fast as the original.
/// </remarks>
internal static partial class OnnxEncodings
{
    /// <summary>Name of the shared bit-unpacking table: LUT[v, j] = bit j of byte v (int32 [256, 8]).</summary>
    public const string BitTable = "condense::bits_lut";

    const int BitTableBytes = 256 * 8 * 4;

    /// <summary>
    /// Whether storing <paramref name="n"/> codes in <paramref name="bits"/> bits beats whole bytes:
    /// at 4 bits the shared 2 KiB nibble table, at other widths the shared 8 KiB bit table (each
    /// free once another tensor has paid for it).
    /// </summary>
    static bool PackingPays(OnnxGraphBuilder g, long n, int bits) =>
        bits == 4 && !g.Int4AsBitPlanes
            ? g.HasShared(NibbleTable) || n * 4 / 8 >= NibbleTableBytes
            : g.HasShared(BitTable) || n * (8 - bits) / 8 >= BitTableBytes;

    /// <summary>fp16 bits (<see cref="FloatCodec"/>) and a Cast back to float32.</summary>
    public static float[] Fp16(OnnxGraphBuilder g, float[] values, long[] shape, string output) => Cast16(g, values, shape, output, bfloat16: false);

    /// <summary>bfloat16 bits (<see cref="FloatCodec"/>) and a Cast back to float32.</summary>
    public static float[] Bf16(OnnxGraphBuilder g, float[] values, long[] shape, string output) => Cast16(g, values, shape, output, bfloat16: true);

    static float[] Cast16(OnnxGraphBuilder g, float[] values, long[] shape, string output, bool bfloat16)
    {
        var encoded = new FloatCodec(bfloat16).Encode(values, shape, null);
        var stored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::{(bfloat16 ? "bf16" : "fp16")}"), bfloat16 ? DataType.Bfloat16 : DataType.Float16, encoded.Codes, shape));
        g.Node("Cast", [stored], output, OnnxGraphBuilder.Int("to", (long)DataType.Float));
        return encoded.Decode();
    }

    public static float[] KMeans(OnnxGraphBuilder g, float[] values, long[] shape, string output, int bits, int seed)
    {
        // The k-means codec finds the codebook and indices; this file only lays them out as ONNX tensors.
        var shared = new KMeansCodec(bits, seed: seed).Encode(values, [values.Length], null);
        var indices = shared.CodeIntegers();
        var codebook = shared.Codebook;
        var back = shared.Decode();
        var used = bits;
        // Packing needs the shared 8 KiB bit table; below that saving, whole bytes are smaller.
        if (!PackingPays(g, values.Length, used)) used = 8;
        var book = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::codebook"), codebook, [codebook.Length]));
        var index = UnpackedIndices(g, indices, used, shape, output);
        g.Node("Gather", [book, index], output, OnnxGraphBuilder.Int("axis", 0));
        return back;
    }

    /// <summary>
    /// Stores indices (each below 2^bits) and emits nodes yielding them as int32 of
    /// <paramref name="shape"/>. At 8 bits: a uint8 tensor and a Cast. At 4: nibbles
    /// (<see cref="NibbleIndices"/>; folding them costs a few values per index, not the bit planes'
    /// int32 per bit). Other widths: bit planes, 8
    /// indices per byte per plane (bits·n/8 bytes in all), unpacked by a Gather on the shared
    /// 256×8 bit table, a weighted sum over planes, and a reshape.
    /// </summary>
    static string UnpackedIndices(OnnxGraphBuilder g, int[] indices, int bits, long[] shape, string output)
    {
        var n = indices.Length;
        if (bits == 8)
        {
            var bytes = indices.Select(i => (byte)i).ToArray();
            var stored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::indices_u8"), DataType.Uint8, bytes, shape));
            var cast = g.Name($"{output}::indices");
            g.Node("Cast", [stored], cast, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
            return cast;
        }
        if (bits == 4 && !g.Int4AsBitPlanes) return NibbleIndices(g, indices, shape, output);
        var groups = (n + 7) / 8;
        var planes = new byte[groups * bits];
        for (int i = 0; i < n; i++)
            for (int b = 0; b < bits; b++)
                if (((indices[i] >> b) & 1) != 0) planes[(i / 8) * bits + b] |= (byte)(1 << (i % 8));
        var packed = g.Add(OnnxTensorData.Raw(g.Name($"{output}::indices_packed{bits}"), DataType.Uint8, planes, [groups, bits]));
        var table = EnsureBitTable(g);
        var weights = g.Add(OnnxTensorData.Int32(g.Name($"{output}::plane_weights"), Enumerable.Range(0, bits).Select(b => 1 << b).ToArray(), 1, bits, 1));
        var asInt = g.Name($"{output}::packed_i32");
        g.Node("Cast", [packed], asInt, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        var bitsOut = g.Name($"{output}::bits");
        g.Node("Gather", [table, asInt], bitsOut, OnnxGraphBuilder.Int("axis", 0));
        var weighted = g.Name($"{output}::weighted_bits");
        g.Node("Mul", [bitsOut, weights], weighted);
        var summed = g.Name($"{output}::index_groups");
        if (g.Opset >= 13)
        {
            var axes = g.Add(OnnxTensorData.Int64(g.Name($"{output}::plane_axis"), [1], 1));
            g.Node("ReduceSum", [weighted, axes], summed, OnnxGraphBuilder.Int("keepdims", 0));
        }
        else g.Node("ReduceSum", [weighted], summed, OnnxGraphBuilder.Ints("axes", 1), OnnxGraphBuilder.Int("keepdims", 0));
        var flat = g.Name($"{output}::index_flat");
        var flatShape = g.Add(OnnxTensorData.Int64(g.Name($"{output}::flat_shape"), [-1], 1));
        g.Node("Reshape", [summed, flatShape], flat);
        return ShapedIndices(g, flat, groups * 8 != n, n, shape, output);
    }

    /// <summary>
    /// The last nodes of every index decoder: the flat codes cut to their <paramref name="n"/>
    /// values when packing padded them (<paramref name="padded"/>), then reshaped to <paramref name="shape"/>.
    /// </summary>
    static string ShapedIndices(OnnxGraphBuilder g, string flat, bool padded, long n, long[] shape, string output)
    {
        var current = flat;
        if (padded)
        {
            var sliced = g.Name($"{output}::index_trimmed");
            if (g.Opset >= 10)
            {
                var starts = g.Add(OnnxTensorData.Int64(g.Name($"{output}::slice_start"), [0], 1));
                var ends = g.Add(OnnxTensorData.Int64(g.Name($"{output}::slice_end"), [n], 1));
                g.Node("Slice", [current, starts, ends], sliced);
            }
            else g.Node("Slice", [current], sliced, OnnxGraphBuilder.Ints("starts", 0), OnnxGraphBuilder.Ints("ends", n), OnnxGraphBuilder.Ints("axes", 0));
            current = sliced;
        }
        var index = g.Name($"{output}::indices");
        var target = g.Add(OnnxTensorData.Int64(g.Name($"{output}::shape"), shape, shape.Length));
        g.Node("Reshape", [current, target], index);
        return index;
    }

    static string EnsureBitTable(OnnxGraphBuilder g)
    {
        if (g.HasShared(BitTable)) return BitTable;
        var lut = new int[256 * 8];
        for (int v = 0; v < 256; v++)
            for (int j = 0; j < 8; j++) lut[v * 8 + j] = (v >> j) & 1;
        g.Shared.Add(OnnxTensorData.Int32(BitTable, lut, 256, 8));
        return BitTable;
    }

    /// <summary>
    /// Affine quantization to levels 0..2^bits−1 by the <see cref="LinearCodec"/> (unsigned grid,
    /// asymmetric), its range widened to include 0 so that zero (and so every pruned weight) is
    /// exact. One (s, z) per tensor, or per slice along <paramref name="axis"/>. This method only
    /// lays the codec's value out as initializers and a DequantizeLinear.
    /// </summary>
    public static float[] Linear(OnnxGraphBuilder g, float[] values, long[] shape, string output, int bits, int? axis)
    {
        var encoded = new LinearCodec(new LinearCodecOptions(bits, LinearGrid.Unsigned) { Symmetric = false }).Encode(values, shape, axis);
        var q = encoded.Codes;
        var scales = encoded.Scales;
        long channels = scales.Length;
        var zeros = encoded.ZeroPoints.Select(z => (byte)z).ToArray();
        var back = encoded.Decode();
        // Below 8 bits the levels are bit-packed like k-means indices (when that pays for the
        // shared bit table) and cast back to uint8 for DequantizeLinear.
        string quantized;
        if (bits < 8 && PackingPays(g, values.Length, bits))
        {
            var levels = UnpackedIndices(g, q.Select(b => (int)b).ToArray(), bits, shape, output);
            quantized = g.Name($"{output}::q{bits}");
            g.Node("Cast", [levels], quantized, OnnxGraphBuilder.Int("to", (long)DataType.Uint8));
        }
        else quantized = g.Add(OnnxTensorData.Raw(g.Name($"{output}::q{bits}"), DataType.Uint8, q, shape));
        var useDequantize = axis is null ? g.Opset >= 10 : g.Opset >= 13;
        if (useDequantize)
        {
            long[] paramShape = axis is null ? [] : [channels];
            var s = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::scale"), scales, paramShape));
            var z = g.Add(OnnxTensorData.Raw(g.Name($"{output}::zero_point"), DataType.Uint8, zeros, paramShape));
            if (axis is { } dqAxis) g.Node("DequantizeLinear", [quantized, s, z], output, OnnxGraphBuilder.Int("axis", dqAxis));
            else g.Node("DequantizeLinear", [quantized, s, z], output);
        }
        else
        {
            // Opsets before DequantizeLinear: (float(q) − z) · s with numpy broadcasting.
            var paramShape = axis is { } pa ? shape.Select((d, i) => i == pa ? d : 1L).ToArray() : [];
            var s = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::scale"), scales, paramShape));
            var z = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::zero_point"), zeros.Select(v => (float)v).ToArray(), paramShape));
            var asFloat = g.Name($"{output}::q_float");
            g.Node("Cast", [quantized], asFloat, OnnxGraphBuilder.Int("to", (long)DataType.Float));
            var centred = g.Name($"{output}::q_centred");
            g.Node("Sub", [asFloat, z], centred);
            g.Node("Mul", [centred, s], output);
        }
        return back;
    }
}
