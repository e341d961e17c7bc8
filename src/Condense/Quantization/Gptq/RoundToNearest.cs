namespace Condense.Quantization.Gptq;

/// <summary>
/// The data-free baseline on the same quantizer: every value rounded on its own, grids and
/// codebooks fitted on the original weights (every column weighted alike). GPTQ with H = I does
/// exactly this, which is what makes the two comparable.
/// </summary>
public static class RoundToNearest
{
    /// <summary>Ŵ, row-major; the codes are in the quantizer.</summary>
    public static float[] Solve(ReadOnlySpan<float> weights, int rows, int columns, IGptqQuantizer quantizer)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        if (rows <= 0 || columns <= 0 || weights.Length != (long)rows * columns)
            throw new CondenseException($"{weights.Length} weights are not a {rows}×{columns} matrix");
        var w = new double[weights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = weights[i];
        var energy = new double[columns];
        Array.Fill(energy, 1.0);
        quantizer.Fit(w, rows, columns, energy);
        var q = new float[w.Length];
        var width = quantizer.GroupWidth;
        for (int c0 = 0; c0 < columns; c0 += width > 0 ? width : columns)
        {
            var count = width > 0 ? Math.Min(width, columns - c0) : columns;
            if (width > 0)
            {
                var block = new double[rows * count];
                for (int r = 0; r < rows; r++)
                    for (int k = 0; k < count; k++) block[r * count + k] = w[r * columns + c0 + k];
                quantizer.FitGroup(c0, block, rows, count);
            }
            for (int r = 0; r < rows; r++)
                for (int c = c0; c < c0 + count; c++) q[r * columns + c] = (float)quantizer.Quantize(r, c, w[r * columns + c]);
        }
        return q;
    }
}
