using Condense.Codecs;
using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Writes an embedding table [V, D] as ONNX Runtime's <c>com.microsoft.GatherBlockQuantized</c>:
/// uint4 codes (two per byte, low nibble first) in blocks of <c>block_size</c> along D, a float
/// scale and a uint4 zero point per block, so the table stays at ~4.5 bits per value in memory and
/// only the gathered rows are dequantized. uint4 tensors need IR version 10.
/// </summary>
public static class GatherBlockQuantizedWriter
{
    /// <summary>ONNX's UINT4 data type number (not in Debian's older onnx.proto enum).</summary>
    public const int Uint4 = 21;

    /// <summary>Round-to-nearest asymmetric 4-bit blocks of <paramref name="table"/> and the node reading them.</summary>
    public static (IReadOnlyList<TensorProto> Initializers, NodeProto Node) Write(ReadOnlySpan<float> table, int rows, int dim, int blockSize,
        string indices, string output, string stem)
    {
        if (blockSize < 16 || (blockSize & (blockSize - 1)) != 0 || dim % blockSize != 0)
            throw new CondenseException($"GatherBlockQuantized: block size {blockSize} must be a power of 2 ≥ 16 dividing {dim}");
        int blocks = dim / blockSize;
        var data = new byte[((long)rows * dim + 1) / 2];
        var scales = new float[(long)rows * blocks];
        var zeros = new byte[((long)rows * blocks + 1) / 2];
        for (int r = 0; r < rows; r++)
            for (int b = 0; b < blocks; b++)
            {
                var block = table.Slice(r * dim + b * blockSize, blockSize);
                float lo = 0, hi = 0;
                foreach (var v in block) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
                var (scale, zero) = UniformGrid.Asymmetric(lo, hi, 0, 15);
                long bi = (long)r * blocks + b;
                scales[bi] = scale;
                zeros[bi >> 1] |= (byte)(zero << (int)((bi & 1) * 4));
                for (int i = 0; i < blockSize; i++)
                {
                    long e = (long)r * dim + b * blockSize + i;
                    var q = UniformGrid.Code(block[i], scale, zero, 0, 15);
                    data[e >> 1] |= (byte)(q << (int)((e & 1) * 4));
                }
            }
        var dName = $"{stem}_q4";
        var sName = $"{stem}_q4_scales";
        var zName = $"{stem}_q4_zero_points";
        var d = OnnxTensorData.Raw(dName, TensorProto.Types.DataType.Uint8, data, [rows, dim]);
        d.DataType = Uint4;
        var z = OnnxTensorData.Raw(zName, TensorProto.Types.DataType.Uint8, zeros, [rows, blocks]);
        z.DataType = Uint4;
        var node = new NodeProto { OpType = "GatherBlockQuantized", Domain = MatMulNBitsWriter.Domain };
        node.Input.Add(dName);
        node.Input.Add(indices);
        node.Input.Add(sName);
        node.Input.Add(zName);
        node.Output.Add(output);
        node.Attribute.Add(MatMulNBitsWriter.Int("gather_axis", 0));
        node.Attribute.Add(MatMulNBitsWriter.Int("quantize_axis", 1));
        node.Attribute.Add(MatMulNBitsWriter.Int("block_size", blockSize));
        return ([d, OnnxTensorData.FromFloat32(sName, scales, [rows, blocks]), z], node);
    }
}
