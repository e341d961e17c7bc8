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
/// <param name="KeptColumns">
/// When not null, the codes hold only these input columns (ascending) of a matrix of
/// <see cref="AllColumns"/> columns; every other column is 0 and costs nothing but its index: the
/// decoder appends one zero column and gathers the full matrix (columns that saw no input, or
/// pruned ones, are not stored).
/// </param>
/// <param name="AllColumns">The matrix's columns when <see cref="KeptColumns"/> is given.</param>
/// <param name="Extra">
/// With <see cref="KeptColumns"/>: more columns (its own <see cref="KeptColumns"/>, disjoint from these)
/// stored by another grid or codebook, e.g. the most salient input columns at one bit more.
/// </param>
/// <param name="HalfCentroids">Write the codebooks' centroids as float16 (each must be one exactly).</param>
public sealed record OnnxQuantizedMatrix(string Label, bool Transposed, GridCodes? Grid = null, CodebookCodes? Codebook = null,
    IReadOnlyList<int>? KeptColumns = null, int AllColumns = 0, OnnxQuantizedMatrix? Extra = null, bool HalfCentroids = false)
{
    /// <summary>The decoded values in the ONNX tensor's element order.</summary>
    public float[] Decoded()
    {
        var (rows, columns, m) = Grid is { } g ? (g.Rows, g.Columns, g.Dequantize())
            : Codebook is { } c ? (c.Rows, c.Columns, c.Dequantize())
            : throw new CondenseException($"{Label}: neither a grid nor a codebook");
        if (KeptColumns is not null)
        {
            var full = new float[rows * AllColumns];
            for (var part = this; part is not null; part = part.Extra)
            {
                var (pm, pc) = ReferenceEquals(part, this) ? (m, columns) : part.Grid is { } pg ? (pg.Dequantize(), pg.Columns) : (part.Codebook!.Dequantize(), part.Codebook.Columns);
                var pk = part.KeptColumns ?? throw new CondenseException($"{Label}: an extra part without its columns");
                for (int r = 0; r < rows; r++)
                    for (int k = 0; k < pk.Count; k++) full[r * AllColumns + pk[k]] = pm[r * pc + k];
            }
            (m, columns) = (full, AllColumns);
        }
        if (!Transposed) return m;
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < columns; col++) t[col * rows + r] = m[r * columns + col];
        return t;
    }

    internal void Encode(OnnxGraphBuilder g, long[] shape, string output)
    {
        if (KeptColumns is not null)
        {
            EncodeKept(g, shape, output);
            return;
        }
        if (Grid is { } grid) OnnxEncodings.GridMatrix(g, grid, shape, Transposed, output);
        else if (Codebook is { } book) OnnxEncodings.CodebookMatrix(g, book, shape, Transposed, output, HalfCentroids);
        else throw new CondenseException($"{Label}: neither a grid nor a codebook");
    }

    // The kept columns' matrices (this part's, then the extra's), one zero column appended (ConstantOfShape: no stored zeros), and a Gather
    // along the input axis with each column's place (dropped ones point at the zero column).
    void EncodeKept(OnnxGraphBuilder g, long[] shape, string output)
    {
        if (shape.Length != 2 || AllColumns != (Transposed ? shape[0] : shape[1]))
            throw new CondenseException($"{Label}: kept columns need a 2-D weight of {AllColumns} input columns, not [{string.Join(", ", shape)}]");
        long rows = Transposed ? shape[1] : shape[0];
        int axis = Transposed ? 0 : 1;
        var parts = new List<string>();
        var place = Enumerable.Repeat(-1, AllColumns).ToArray();
        int at = 0;
        for (var part = this; part is not null; part = part.Extra)
        {
            var columns = part.KeptColumns ?? throw new CondenseException($"{Label}: an extra part without its columns");
            var reduced = g.Name($"{output}::kept");
            (part with { KeptColumns = null, AllColumns = 0, Extra = null }).Encode(g, Transposed ? [columns.Count, rows] : [rows, columns.Count], reduced);
            parts.Add(reduced);
            foreach (var c in columns) place[c] = at++;
        }
        for (int c = 0; c < AllColumns; c++) if (place[c] < 0) place[c] = at;
        var zeroShape = g.Add(OnnxTensorData.Int64(g.Name($"{output}::zero_shape"), Transposed ? [1, rows] : [rows, 1], 2));
        var zero = g.Name($"{output}::zero_column");
        if (g.Opset >= 9) g.Node("ConstantOfShape", [zeroShape], zero);
        else g.Add(OnnxTensorData.FromFloat32(zero, new float[rows], Transposed ? [1, rows] : [rows, 1]));
        var padded = g.Name($"{output}::padded");
        g.Node("Concat", [.. parts, zero], padded, OnnxGraphBuilder.Int("axis", axis));
        var index = g.Add(OnnxTensorData.Int32(g.Name($"{output}::column_place"), place, AllColumns));
        g.Node("Gather", [padded, index], output, OnnxGraphBuilder.Int("axis", axis));
    }
}
