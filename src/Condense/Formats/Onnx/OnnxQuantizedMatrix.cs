using Condense.Quantization.Gptq;

namespace Condense.Formats.Onnx;

/// <summary>
/// A weight quantized elsewhere (by data-aware quantization) as a matrix of outputs × inputs,
/// handed to <see cref="OnnxCompressor"/> to be written in place of the float tensor: exactly one
/// of <see cref="Grid"/> and <see cref="Codebook"/>.
/// </summary>
/// <param name="Label">The encoding as the report names it (e.g. "gptq linear 4-bit block 32").</param>
/// <param name="Transposed">The ONNX tensor is the matrix transposed ([in, out], as MatMul stores it).</param>
/// <param name="Grid">Codes on linear grids per (row, block).</param>
/// <param name="Codebook">Codes into per-row codebooks.</param>
public sealed record OnnxQuantizedMatrix(string Label, bool Transposed, GridCodes? Grid = null, CodebookCodes? Codebook = null)
{
    /// <summary>The decoded values in the ONNX tensor's element order.</summary>
    public float[] Decoded()
    {
        var (rows, columns, m) = Grid is { } g ? (g.Rows, g.Columns, g.Dequantize())
            : Codebook is { } c ? (c.Rows, c.Columns, c.Dequantize())
            : throw new CondenseException($"{Label}: neither a grid nor a codebook");
        if (!Transposed) return m;
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < columns; col++) t[col * rows + r] = m[r * columns + col];
        return t;
    }

    internal void Encode(OnnxGraphBuilder g, long[] shape, string output)
    {
        if (Grid is { } grid) OnnxEncodings.GridMatrix(g, grid, shape, Transposed, output);
        else if (Codebook is { } book) OnnxEncodings.CodebookMatrix(g, book, shape, Transposed, output);
        else throw new CondenseException($"{Label}: neither a grid nor a codebook");
    }
}
