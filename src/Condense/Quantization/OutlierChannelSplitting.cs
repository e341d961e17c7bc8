namespace Condense.Quantization;

/// <summary>
/// Outlier channel splitting (Zhao et al., "Improving Neural Network Quantization without
/// Retraining using Outlier Channel Splitting", ICML 2019): repeatedly take the input channel
/// (column of a [out, in] weight) holding the largest |w|, halve it, and append a copy of the
/// halved column fed by a duplicate of the same input. W′x′ = Wx exactly, while the largest
/// |w| (hence the quantization range and step γ) shrinks.
/// </summary>
public static class OutlierChannelSplitting
{
    /// <summary>Splits <paramref name="splits"/> times (0..columns); a column may be split again if it is still the largest.</summary>
    public static OutlierChannelSplit Split(ReadOnlySpan<float> weights, int rows, int columns, int splits)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns != weights.Length)
            throw new CondenseException($"OCS: shape {rows}×{columns} does not match {weights.Length} weights");
        if (splits < 0 || splits > columns)
            throw new CondenseException($"OCS: splits must be in 0..{columns}, got {splits}");
        ShapeCheck.Finite(weights, "OCS");
        int total = columns + splits;
        // Column-major working copy: columns are what we split and append.
        var cols = new List<float[]>(total);
        var source = new List<int>(total);
        for (int c = 0; c < columns; c++)
        {
            var col = new float[rows];
            for (int r = 0; r < rows; r++) col[r] = weights[r * columns + c];
            cols.Add(col);
            source.Add(c);
        }
        var dup = new int[splits];
        for (int s = 0; s < splits; s++)
        {
            int best = 0; float bestAbs = -1;
            for (int c = 0; c < cols.Count; c++)
                foreach (var v in cols[c]) if (Math.Abs(v) > bestAbs) { bestAbs = Math.Abs(v); best = c; }
            var col = cols[best];
            for (int r = 0; r < rows; r++) col[r] *= 0.5f;   // exact in binary floating point
            cols.Add((float[])col.Clone());
            source.Add(source[best]);
            dup[s] = source[best];
        }
        var w = new float[rows * total];
        for (int c = 0; c < total; c++)
            for (int r = 0; r < rows; r++) w[r * total + c] = cols[c][r];
        return new OutlierChannelSplit(w, rows, total, dup);
    }
}
