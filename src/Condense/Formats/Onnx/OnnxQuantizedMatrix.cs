using Condense.Metrics;
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
/// <param name="Float">
/// Instead of codes: the matrix in float32, stored as it is (a low-rank factor), or, with
/// <see cref="SparseBits"/>, as a 1-bit mask and its non-zeros.
/// </param>
/// <param name="Left">Instead of codes, with <see cref="Right"/>: the matrix is Left·Right (rows × r times r × columns), each factor its own encoding (low rank).</param>
/// <param name="Right">The right factor (r × columns) of a low-rank matrix.</param>
/// <param name="SparseBits">0: <see cref="Float"/> stored dense; otherwise a mask and the non-zeros, in float32 (32) or on one grid of these bits.</param>
/// <param name="Kernel">Instead of a decoder: the layer's node is rewritten to an ONNX Runtime kernel that reads these codes (<see cref="KernelWeight"/>).</param>
public sealed record OnnxQuantizedMatrix(string Label, bool Transposed, GridCodes? Grid = null, CodebookCodes? Codebook = null,
    IReadOnlyList<int>? KeptColumns = null, int AllColumns = 0, OnnxQuantizedMatrix? Extra = null, bool HalfCentroids = false,
    FloatMatrix? Float = null, OnnxQuantizedMatrix? Left = null, OnnxQuantizedMatrix? Right = null, int SparseBits = 0, KernelWeight? Kernel = null)
{
    /// <summary>The decoded values in the ONNX tensor's element order.</summary>
    public float[] Decoded()
    {
        var (rows, columns, m) = Matrix();
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

    /// <summary>The decoded matrix, rows = outputs (before <see cref="KeptColumns"/> and transposition).</summary>
    (int Rows, int Columns, float[] Values) Matrix()
    {
        if (Grid is { } g) return (g.Rows, g.Columns, g.Dequantize());
        if (Codebook is { } c) return (c.Rows, c.Columns, c.Dequantize());
        if (Float is { } f) return (f.Rows, f.Columns, SparseBits > 0 ? OnnxEncodings.MaskedValues(f.Values, SparseBits) : f.Values);
        if (Kernel is { } k) return (k.Values.Length / k.Columns, k.Columns, k.Values);
        if (Left is { } l && Right is { } r)
        {
            var (a, b) = (l.Matrix(), r.Matrix());
            return (a.Rows, b.Columns, FloatMatrix.Product(a.Values, b.Values, a.Rows, a.Columns, b.Columns));
        }
        throw new CondenseException($"{Label}: neither a grid, a codebook, a float matrix nor two factors");
    }

    (int Rows, int Columns) Size() =>
        Grid is { } g ? (g.Rows, g.Columns) : Codebook is { } c ? (c.Rows, c.Columns) : Float is { } f ? (f.Rows, f.Columns)
        : Left is { } l && Right is { } r ? (l.Size().Rows, r.Size().Columns) : throw new CondenseException($"{Label}: no matrix");

    internal void Encode(OnnxGraphBuilder g, long[] shape, string output)
    {
        if (Kernel is not null) throw new CondenseException($"{Label}: a kernel weight is written by rewriting its layer's node, not decoded");
        if (Left is not null || Float is not null)
        {
            EncodeStructured(g, shape, output);
            return;
        }
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
    // along the input axis with each column's place (dropped ones point at the zero column). A Conv's weight [out, in, kh, kw] is that
    // for its unfolded matrix [out, in·kh·kw] (the weight's own element order), then reshaped.
    void EncodeKept(OnnxGraphBuilder g, long[] shape, string output)
    {
        if (shape.Length == 4 && !Transposed && shape[1] * shape[2] * shape[3] == AllColumns)
        {
            if (g.Opset < 5) throw new CondenseException($"{output}: kept columns of a 4-D weight need opset ≥ 5 (Reshape), not {g.Opset}");
            var matrix = g.Name($"{output}::unfolded");
            EncodeKept(g, [shape[0], AllColumns], matrix);
            g.Node("Reshape", [matrix, g.Add(OnnxTensorData.Int64(g.Name($"{output}::shape"), shape, shape.Length))], output);
            return;
        }
        if (shape.Length != 2 || AllColumns != (Transposed ? shape[0] : shape[1]))
            throw new CondenseException($"{Label}: kept columns need a 2-D weight, or a 4-D Conv weight, of {AllColumns} input columns, not [{string.Join(", ", shape)}]");
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

    // Low rank: the tensor as one MatMul of the two factors' tensors (ONNX Runtime folds it once per session);
    // a float matrix: as it is, or as a mask and its non-zeros.
    void EncodeStructured(OnnxGraphBuilder g, long[] shape, string output)
    {
        var (rows, columns) = Size();
        if (Float is { } f)
        {
            var values = Transposed ? RowMajor.Transpose(f.Values, f.Rows, f.Columns) : f.Values;
            if (values.Length != shape.Aggregate(1L, (p, d) => p * d)) throw new CondenseException($"{Label}: {values.Length} values do not fill [{string.Join(", ", shape)}]");
            if (SparseBits > 0) OnnxEncodings.MaskedSparse(g, values, shape, output, SparseBits);
            else g.Add(OnnxTensorData.FromFloat32(output, values, shape));
            return;
        }
        if (shape.Length != 2 || (Transposed ? shape[0] != columns || shape[1] != rows : shape[0] != rows || shape[1] != columns))
            throw new CondenseException($"{Label}: a low-rank {rows}×{columns} matrix does not fit [{string.Join(", ", shape)}]");
        var (left, right) = (Left!, Right!);
        long rank = left.Size().Columns;
        var leftName = g.Name($"{output}::lowrank_left");
        var rightName = g.Name($"{output}::lowrank_right");
        (left with { Transposed = Transposed }).Encode(g, Transposed ? [rank, rows] : [rows, rank], leftName);
        (right with { Transposed = Transposed }).Encode(g, Transposed ? [columns, rank] : [rank, columns], rightName);
        g.Node("MatMul", Transposed ? [rightName, leftName] : [leftName, rightName], output);
    }
}
