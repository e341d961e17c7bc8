namespace Condense.Pruning;

/// <summary>
/// Compressed sparse row storage of a matrix: row pointers, column indices and values of the
/// nonzeros. Plain CSR costs 4(rows + 1) + 8·nnz bytes, which beats dense float32 (4·rows·cols)
/// only below 50 % density — the honest reason most pruned files do not shrink.
/// </summary>
internal sealed record CsrMatrix(int Rows, int Columns, int[] RowPointers, int[] ColumnIndices, float[] Values)
{
    public int NonzeroCount => Values.Length;

    /// <summary>Bytes of the three arrays as <see cref="SparseModelFile"/> writes them.</summary>
    public long PayloadBytes => 4L * (Rows + 1) + 8L * NonzeroCount;

    public static CsrMatrix Encode(ReadOnlySpan<float> dense, int rows, int columns)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns != dense.Length)
            throw new CondenseException($"{dense.Length} values are not a {rows}×{columns} matrix");
        var pointers = new int[rows + 1];
        var cols = new List<int>();
        var values = new List<float>();
        for (var r = 0; r < rows; r++)
        {
            var row = dense.Slice(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                if (row[c] != 0) { cols.Add(c); values.Add(row[c]); }
            }
            pointers[r + 1] = values.Count;
        }
        return new CsrMatrix(rows, columns, pointers, cols.ToArray(), values.ToArray());
    }

    public float[] Decode()
    {
        var dense = new float[(long)Rows * Columns];
        for (var r = 0; r < Rows; r++)
            for (var k = RowPointers[r]; k < RowPointers[r + 1]; k++)
                dense[(long)r * Columns + ColumnIndices[k]] = Values[k];
        return dense;
    }
}
