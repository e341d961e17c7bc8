using Condense.Quantization.Gptq;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// 4-bit codes as nibbles, two per byte (element 2i in the low nibble), unpacked by one
/// <c>Gather</c> on a shared 256×2 table of floats (the low and high nibble of every byte value).
/// Standard operators of opset 7, so ONNX Runtime constant-folds the decoder at load and inference
/// runs at float32 speed.
/// </summary>
/// <remarks>
/// Why not the bit planes used below and at other widths: folding materialises every intermediate,
/// and the bit-plane decoder's are an int32 per <em>bit</em> (the bit-table Gather, Mul, ReduceSum):
/// a 9.4 MB 4-bit ResNet18 needed 1.2 GB to load. Here the table Gather yields the codes as floats
/// directly, and grids keep the blocks as an axis ([rows, blocks, ⌈block/2⌉, 2]) so scales and
/// zero points broadcast instead of being expanded per column: a handful of one-float-per-weight
/// tensors. Why not <c>com.microsoft.GatherBlockQuantized</c> (uint4): ONNX Runtime never
/// constant-folds contrib operators, so it dequantizes on every run (ResNet18 4× slower). Why not
/// native int4 <c>DequantizeLinear</c>: opset 21, and lifting an opset-8 model that far rewrites
/// many operators. The arithmetic is the bit-plane decoder's (float(code) − float(zero), then
/// · scale), so the weights are bit-identical.
/// </remarks>
internal static partial class OnnxEncodings
{
    /// <summary>Name of the shared nibble table: T[v] = (v mod 16, v div 16) as float32 [256, 2].</summary>
    public const string NibbleTable = "condense::nibbles_lut";

    const int NibbleTableBytes = 256 * 2 * 4;

    /// <summary>ŵ = (code − zero[r, b]) · scale[r, b] with the codes as nibbles per (row, block), each block padded to even length.</summary>
    static void NibbleGrid(OnnxGraphBuilder g, GridCodes codes, long[] shape, bool transposed, string output)
    {
        long rows = codes.Rows, columns = codes.Columns, blocks = codes.Blocks;
        long block = blocks == 1 ? columns : codes.BlockSize;
        long half = (block + 1) / 2;
        var packed = new byte[rows * blocks * half];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < columns; c++)
            {
                long b = c / block, i = c % block;
                packed[(r * blocks + b) * half + i / 2] |= (byte)((codes.Codes[r * columns + c] & 0xF) << (int)((i & 1) * 4));
            }
        var stored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::indices_packed4"), DataType.Uint8, packed, [rows, blocks, half]));
        var asInt = g.Name($"{output}::packed_i32");
        g.Node("Cast", [stored], asInt, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        var levels = g.Name($"{output}::q_float");
        g.Node("Gather", [EnsureNibbleTable(g), asInt], levels, OnnxGraphBuilder.Int("axis", 0));
        long[] paramShape = [rows, blocks, 1, 1];
        var zeroStored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::zero_point"), DataType.Uint8, codes.ZeroPoints, paramShape));
        var zero = g.Name($"{output}::zero_float");
        g.Node("Cast", [zeroStored], zero, OnnxGraphBuilder.Int("to", (long)DataType.Float));
        var scale = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::scale"), codes.Scales, paramShape));
        var centred = g.Name($"{output}::q_centred");
        g.Node("Sub", [levels, zero], centred);
        var blocked = g.Name($"{output}::blocked");
        g.Node("Mul", [centred, scale], blocked);
        long padded = blocks * half * 2;
        if (padded == columns && !transposed)
        {
            g.Node("Reshape", [blocked, g.Add(OnnxTensorData.Int64(g.Name($"{output}::shape"), shape, shape.Length))], output);
            return;
        }
        var matrix = g.Name($"{output}::matrix");
        var wide = padded == columns ? matrix : g.Name($"{output}::padded");
        g.Node("Reshape", [blocked, g.Add(OnnxTensorData.Int64(g.Name($"{output}::rows_columns"), [rows, padded], 2))], wide);
        if (padded != columns)
        {
            // Each block's padding sits at its end, so only the last block may hold any: one Slice.
            if (g.Opset >= 10)
            {
                var starts = g.Add(OnnxTensorData.Int64(g.Name($"{output}::slice_start"), [0], 1));
                var ends = g.Add(OnnxTensorData.Int64(g.Name($"{output}::slice_end"), [columns], 1));
                var axes = g.Add(OnnxTensorData.Int64(g.Name($"{output}::slice_axis"), [1], 1));
                g.Node("Slice", [wide, starts, ends, axes], matrix);
            }
            else g.Node("Slice", [wide], matrix, OnnxGraphBuilder.Ints("starts", 0), OnnxGraphBuilder.Ints("ends", columns), OnnxGraphBuilder.Ints("axes", 1));
        }
        ToLayout(g, matrix, rows, columns, shape, transposed, output);
    }

    /// <summary>Codes (each below 16) as int32 of <paramref name="shape"/>: nibbles, the table Gather, a Cast and a Reshape.</summary>
    static string NibbleIndices(OnnxGraphBuilder g, int[] indices, long[] shape, string output)
    {
        long n = indices.Length, m = (n + 1) / 2;
        var packed = new byte[m];
        for (long i = 0; i < n; i++) packed[i >> 1] |= (byte)((indices[i] & 0xF) << (int)((i & 1) * 4));
        var stored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::indices_packed4"), DataType.Uint8, packed, [m]));
        var asInt = g.Name($"{output}::packed_i32");
        g.Node("Cast", [stored], asInt, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        var pairs = g.Name($"{output}::index_pairs");
        g.Node("Gather", [EnsureNibbleTable(g), asInt], pairs, OnnxGraphBuilder.Int("axis", 0));
        var whole = g.Name($"{output}::index_float");
        g.Node("Cast", [pairs], whole, OnnxGraphBuilder.Int("to", (long)DataType.Int32));
        var padded = 2 * m != n;
        var current = whole;
        if (padded)
        {
            current = g.Name($"{output}::index_flat");
            g.Node("Reshape", [whole, g.Add(OnnxTensorData.Int64(g.Name($"{output}::flat_shape"), [-1], 1))], current);
        }
        return ShapedIndices(g, current, padded, n, shape, output);
    }

    static string EnsureNibbleTable(OnnxGraphBuilder g)
    {
        if (g.HasShared(NibbleTable)) return NibbleTable;
        var lut = new float[256 * 2];
        for (int v = 0; v < 256; v++) (lut[2 * v], lut[2 * v + 1]) = (v & 0xF, v >> 4);
        g.Shared.Add(OnnxTensorData.FromFloat32(NibbleTable, lut, [256, 2]));
        return NibbleTable;
    }
}
