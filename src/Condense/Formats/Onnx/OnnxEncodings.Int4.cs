using System.Numerics;
using Condense.Quantization.Gptq;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// 4-bit codes as ONNX Runtime's <c>com.microsoft.GatherBlockQuantized</c>: uint4 data (two codes
/// per byte, low nibble first), a float scale and a uint4 zero point per block along the last
/// axis, gathered with every row's index. One fused node in any opset.
/// </summary>
/// <remarks>
/// Why not the bit-plane graph below 8 bits: ONNX Runtime constant-folds the decoder when it loads
/// the model, and the bit-plane graph's intermediates are int32 per bit (Gather on the bit table,
/// Mul, ReduceSum, …): a 9.4 MB 4-bit ResNet18 needed 1.14 GB at session creation. This node folds
/// into the float tensor directly (one float per weight), so loading costs about what the fp32
/// model costs. Why not native int4 <c>DequantizeLinear</c>: it needs opset 21, and lifting an
/// opset-8 model to 21 rewrites many operators; this node needs only IR version 10 (uint4 tensors)
/// and the <c>com.microsoft</c> domain. Dequantization is float(code − zero) · scale, the same
/// arithmetic as the bit-plane graph's Cast, Sub and Mul, so the weights are bit-identical.
/// </remarks>
internal static partial class OnnxEncodings
{
    /// <summary>ONNX Runtime's contrib-operator domain.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>ONNX's UINT4 data type number; needs IR version 10.</summary>
    public const int Uint4 = OnnxTensorData.Uint4;

    /// <summary>The op type whose presence makes <see cref="OnnxCompressor"/> import the domain and raise the IR version.</summary>
    public const string GatherBlockQuantizedOp = "GatherBlockQuantized";

    /// <summary>
    /// The <c>block_size</c> GatherBlockQuantized would use for a grid's blocks (a power of 2, at
    /// least 16), or null when the grid's blocks cannot be expressed: a block of, say, 8 or 100
    /// columns. One block per row (per-channel grids) takes the next power of 2 above the row.
    /// </summary>
    internal static long? GatherBlockSize(GridCodes codes)
    {
        if (codes.Blocks == 1) return Math.Max(16L, (long)BitOperations.RoundUpToPowerOf2((ulong)codes.Columns));
        long b = codes.BlockSize;
        return b >= 16 && (b & (b - 1)) == 0 ? b : null;
    }

    /// <summary>ŵ = (code − zero[r, b]) · scale[r, b] as one GatherBlockQuantized over all rows: float [rows, columns] named <paramref name="matrix"/>.</summary>
    static void GatherBlockGrid(OnnxGraphBuilder g, GridCodes codes, long blockSize, string matrix, string output)
    {
        long rows = codes.Rows, columns = codes.Columns, blocks = codes.Blocks;
        var data = Uint4Tensor(g.Name($"{output}::indices_packed4"), codes.Codes, [rows, columns]);
        var zeros = Uint4Tensor(g.Name($"{output}::zero_point4"), codes.ZeroPoints, [rows, blocks]);
        var scale = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::scale"), codes.Scales, [rows, blocks]));
        var rowIndex = g.Add(OnnxTensorData.Int32(g.Name($"{output}::rows"), Enumerable.Range(0, (int)rows).ToArray(), rows));
        GatherBlockNode(g, [g.Add(data), rowIndex, scale, g.Add(zeros)], matrix, blockSize);
    }

    /// <summary>
    /// Codes (each below 16) as int32 of <paramref name="shape"/>: uint4 data [1, n] dequantized by
    /// GatherBlockQuantized with scale 1 and zero point 0 (exact small floats), cast to int32 and
    /// reshaped. For codebooks and the per-tensor/per-channel linear encodings.
    /// </summary>
    static string Uint4Indices(OnnxGraphBuilder g, int[] indices, long[] shape, string output)
    {
        long n = indices.Length;
        var codes = new byte[n];
        for (long i = 0; i < n; i++) codes[i] = (byte)indices[i];
        var data = g.Add(Uint4Tensor(g.Name($"{output}::indices_packed4"), codes, [1, n]));
        var row = g.Add(OnnxTensorData.Int32(g.Name($"{output}::row"), [0], 1));
        var unit = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::unit_scale"), [1f], [1, 1]));
        var asFloat = g.Name($"{output}::index_float");
        GatherBlockNode(g, [data, row, unit], asFloat, Math.Max(16L, (long)BitOperations.RoundUpToPowerOf2((ulong)n)));
        var asInt = g.Name($"{output}::index_flat");
        g.Node("Cast", [asFloat], asInt, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        var index = g.Name($"{output}::indices");
        var target = g.Add(OnnxTensorData.Int64(g.Name($"{output}::shape"), shape, shape.Length));
        g.Node("Reshape", [asInt, target], index);
        return index;
    }

    static void GatherBlockNode(OnnxGraphBuilder g, string[] inputs, string output, long blockSize)
    {
        var node = g.Node(GatherBlockQuantizedOp, inputs, output,
            OnnxGraphBuilder.Int("gather_axis", 0), OnnxGraphBuilder.Int("quantize_axis", 1), OnnxGraphBuilder.Int("block_size", blockSize));
        node.Domain = MicrosoftDomain;
    }

    /// <summary>Values below 16, two per byte (element 2i in the low nibble), typed UINT4.</summary>
    static TensorProto Uint4Tensor(string name, byte[] values, long[] shape)
    {
        var packed = new byte[(values.LongLength + 1) / 2];
        for (long i = 0; i < values.LongLength; i++) packed[i >> 1] |= (byte)((values[i] & 0xF) << (int)((i & 1) * 4));
        var t = OnnxTensorData.Raw(name, DataType.Uint8, packed, shape);
        t.DataType = Uint4;
        return t;
    }

    /// <summary>
    /// After the encodings are in: imports <c>com.microsoft</c> and raises the IR version to 10
    /// (uint4 tensors) when any GatherBlockQuantized was written.
    /// </summary>
    internal static void DeclareGatherBlockQuantized(ModelProto model, IEnumerable<NodeProto> written)
    {
        if (!written.Any(n => n.OpType == GatherBlockQuantizedOp && n.Domain == MicrosoftDomain)) return;
        if (!model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        if (model.IrVersion < 10) model.IrVersion = 10;
    }
}
