using Condense.Quantization.Gptq;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Encodings of a weight already quantized as a matrix (rows = outputs, columns = inputs), as
/// data-aware quantization produces it: integer codes with per-(row, block) grids, or codes into
/// per-row codebooks. The decoders rebuild the matrix and, where the ONNX tensor stores it
/// transposed (MatMul's [in, out]) or with more dimensions (Conv), transpose and reshape it.
/// </summary>
internal static partial class OnnxEncodings
{
    /// <summary>
    /// ŵ = (code − zero[r, b]) · scale[r, b]: at 4 bits (even blocks or per channel) nibbles per
    /// block with broadcast parameters (OnnxEncodings.Int4.cs); otherwise codes, Cast, Sub and Mul,
    /// with scales and zero points expanded over columns by a Gather when blocked.
    /// </summary>
    public static void GridMatrix(OnnxGraphBuilder g, GridCodes codes, long[] shape, bool transposed, string output)
    {
        long rows = codes.Rows, columns = codes.Columns;
        if (codes.Bits == 4 && !g.Int4AsBitPlanes && (codes.Blocks == 1 || codes.BlockSize % 2 == 0) && PackingPays(g, codes.Codes.Length, 4))
        {
            NibbleGrid(g, codes, shape, transposed, output);
            return;
        }
        var levels = Levels(g, codes.Codes, codes.Bits, rows, columns, output);
        var asFloat = g.Name($"{output}::q_float");
        g.Node("Cast", [levels], asFloat, OnnxGraphBuilder.Int("to", (long)DataType.Float));
        long blocks = codes.Blocks;
        var scale = g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::scale"), codes.Scales, [rows, blocks]));
        var zeroStored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::zero_point"), DataType.Uint8, codes.ZeroPoints, [rows, blocks]));
        var zero = g.Name($"{output}::zero_float");
        g.Node("Cast", [zeroStored], zero, OnnxGraphBuilder.Int("to", (long)DataType.Float));
        if (blocks > 1)
        {
            var blockOf = g.Add(OnnxTensorData.Int32(g.Name($"{output}::block_of_column"),
                Enumerable.Range(0, (int)columns).Select(c => c / codes.BlockSize).ToArray(), columns));
            var scaleWide = g.Name($"{output}::scale_columns");
            g.Node("Gather", [scale, blockOf], scaleWide, OnnxGraphBuilder.Int("axis", 1));
            var zeroWide = g.Name($"{output}::zero_columns");
            g.Node("Gather", [zero, blockOf], zeroWide, OnnxGraphBuilder.Int("axis", 1));
            (scale, zero) = (scaleWide, zeroWide);
        }
        var centred = g.Name($"{output}::q_centred");
        g.Node("Sub", [asFloat, zero], centred);
        var matrix = g.Name($"{output}::matrix");
        g.Node("Mul", [centred, scale], matrix);
        ToLayout(g, matrix, rows, columns, shape, transposed, output);
    }

    /// <summary>ŵ = centroids[(r / rowsPerCodebook)·2^bits + code]: the codes offset per row into one flat table, one Gather.</summary>
    public static void CodebookMatrix(OnnxGraphBuilder g, CodebookCodes codes, long[] shape, bool transposed, string output, bool halfCentroids = false)
    {
        long rows = codes.Rows, columns = codes.Columns;
        var index = Levels(g, codes.Codes, codes.Bits, rows, columns, output);
        var table = CodebookTable(g, codes.Centroids, output, halfCentroids);
        if (codes.RowsPerCodebook < rows)
        {
            var offsets = g.Add(OnnxTensorData.Int32(g.Name($"{output}::codebook_offset"),
                Enumerable.Range(0, (int)rows).Select(r => r / codes.RowsPerCodebook * codes.Size).ToArray(), rows, 1));
            var shifted = g.Name($"{output}::table_index");
            g.Node("Add", [index, offsets], shifted);
            index = shifted;
        }
        var matrix = g.Name($"{output}::matrix");
        g.Node("Gather", [table, index], matrix, OnnxGraphBuilder.Int("axis", 0));
        ToLayout(g, matrix, rows, columns, shape, transposed, output);
    }

    /// <summary>
    /// The centroids as float32, or, when asked and every one is exactly a float16 (the caller rounded
    /// them), as float16 and a Cast: a per-row codebook of a large table is otherwise a sixth of its bytes at 3 bits.
    /// </summary>
    static string CodebookTable(OnnxGraphBuilder g, float[] centroids, string output, bool half)
    {
        if (!half || centroids.Any(c => (float)(Half)c != c))
            return g.Add(OnnxTensorData.FromFloat32(g.Name($"{output}::codebooks"), centroids, [centroids.Length]));
        var raw = new byte[centroids.Length * 2];
        for (int i = 0; i < centroids.Length; i++) BitConverter.TryWriteBytes(raw.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)centroids[i]));
        var stored = g.Add(OnnxTensorData.Raw(g.Name($"{output}::codebooks_fp16"), DataType.Float16, raw, [centroids.Length]));
        var table = g.Name($"{output}::codebooks");
        g.Node("Cast", [stored], table, OnnxGraphBuilder.Int("to", (long)DataType.Float));
        return table;
    }

    /// <summary>Codes as int32 [rows, columns]: bit-packed below 8 bits when that pays for the shared bit table.</summary>
    static string Levels(OnnxGraphBuilder g, byte[] codes, int bits, long rows, long columns, string output)
    {
        var used = bits;
        if (!PackingPays(g, codes.Length, used)) used = 8;
        return UnpackedIndices(g, codes.Select(c => (int)c).ToArray(), used, [rows, columns], output);
    }

    static void ToLayout(OnnxGraphBuilder g, string matrix, long rows, long columns, long[] shape, bool transposed, string output)
    {
        if (transposed)
        {
            if (shape.Length == 2) { g.Node("Transpose", [matrix], output, OnnxGraphBuilder.Ints("perm", 1, 0)); return; }
            var t = g.Name($"{output}::transposed");
            g.Node("Transpose", [matrix], t, OnnxGraphBuilder.Ints("perm", 1, 0));
            matrix = t;
        }
        else if (shape.Length == 2 && shape[0] == rows && shape[1] == columns)
        {
            g.Node("Identity", [matrix], output);
            return;
        }
        var target = g.Add(OnnxTensorData.Int64(g.Name($"{output}::shape"), shape, shape.Length));
        g.Node("Reshape", [matrix, target], output);
    }
}
