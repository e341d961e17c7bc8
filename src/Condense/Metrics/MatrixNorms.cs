namespace Condense.Metrics;

/// <summary>
/// The induced 1-norm ‖A‖₁ = max_x ‖Ax‖₁/‖x‖₁ = the largest column absolute sum. It bounds how
/// much a layer can amplify an input, so ‖W − Q‖₁/‖W‖₁ measures quantization error in terms of
/// what the layer does rather than weight by weight.
/// </summary>
public static class MatrixNorms
{
    /// <summary>‖A‖₁ of a row-major rows × columns matrix: max over columns of Σᵢ |aᵢⱼ|.</summary>
    public static double InducedOneNorm(ReadOnlySpan<float> a, int rows, int columns)
    {
        CheckShape(a.Length, rows, columns);
        var sums = new double[columns];
        for (int r = 0; r < rows; r++)
        {
            var row = a.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++) sums[c] += Math.Abs(row[c]);
        }
        return sums.Max();
    }

    /// <summary>‖W − Q‖₁ / ‖W‖₁ (computed in double, without forming W − Q in float).</summary>
    public static double RelativeOneNormError(ReadOnlySpan<float> w, ReadOnlySpan<float> q, int rows, int columns)
    {
        ErrorMetrics.Check(w, q);
        CheckShape(w.Length, rows, columns);
        var dw = new double[columns];
        var dd = new double[columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                dw[c] += Math.Abs(w[i]);
                dd[c] += Math.Abs((double)w[i] - q[i]);
            }
        double nw = dw.Max();
        return nw == 0 ? (dd.Max() == 0 ? 0 : double.PositiveInfinity) : dd.Max() / nw;
    }

    internal static void CheckShape(int length, int rows, int columns)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns != length)
            throw new CondenseException($"metrics: shape {rows}×{columns} does not match {length} values");
    }
}
