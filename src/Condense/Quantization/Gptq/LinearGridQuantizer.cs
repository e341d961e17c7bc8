using Condense.Codecs;

namespace Condense.Quantization.Gptq;

/// <summary>
/// Asymmetric linear levels 0..2^bits−1, one scale and zero point per output row (per channel) or
/// per (row, block of columns). A block's range is taken from its values when GPTQ reaches it,
/// after the earlier columns' errors have been folded in, as the reference implementation does.
/// The range always includes 0, so zero weights stay exact.
/// </summary>
public sealed class LinearGridQuantizer : IGptqQuantizer
{
    readonly int bits;
    readonly int blockSize;
    int rows, columns, block;
    byte[] codes = [];
    float[] scales = [];
    byte[] zeros = [];

    /// <param name="bits">2..8.</param>
    /// <param name="blockSize">Columns per block; 0 for one grid per row.</param>
    public LinearGridQuantizer(int bits, int blockSize = 0)
    {
        if (bits is < 2 or > 8) throw new CondenseException($"linear bits must be in 2..8, not {bits}");
        if (blockSize < 0) throw new CondenseException($"block size must be ≥ 0, not {blockSize}");
        this.bits = bits;
        this.blockSize = blockSize;
    }

    /// <inheritdoc/>
    public int GroupWidth => blockSize > 0 && blockSize < columns ? blockSize : 0;

    /// <inheritdoc/>
    public void Fit(ReadOnlySpan<double> weights, int rows, int columns, ReadOnlySpan<double> columnEnergy)
    {
        this.rows = rows;
        this.columns = columns;
        block = GroupWidth > 0 ? blockSize : columns;
        var blocks = (columns + block - 1) / block;
        codes = new byte[rows * columns];
        scales = new float[rows * blocks];
        zeros = new byte[rows * blocks];
        if (GroupWidth == 0) FitGroup(0, weights, rows, columns);
    }

    /// <inheritdoc/>
    public void FitGroup(int firstColumn, ReadOnlySpan<double> current, int rows, int width)
    {
        var blocks = (columns + block - 1) / block;
        var b = firstColumn / block;
        var qmax = (1 << bits) - 1;
        for (int r = 0; r < rows; r++)
        {
            double lo = 0, hi = 0;
            foreach (var v in current.Slice(r * width, width)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            var (scale, zero) = UniformGrid.Asymmetric(lo, hi, 0, qmax);
            scales[r * blocks + b] = scale;
            zeros[r * blocks + b] = (byte)zero;
        }
    }

    /// <inheritdoc/>
    public double Quantize(int row, int column, double value)
    {
        var p = row * ((columns + block - 1) / block) + column / block;
        var scale = scales[p];
        var zero = zeros[p];
        var code = UniformGrid.Code(value, scale, zero, 0, (1 << bits) - 1);
        codes[row * columns + column] = (byte)code;
        return UniformGrid.Value(code, scale, zero);
    }

    /// <summary>The codes and grids of the last solve.</summary>
    public GridCodes Result() => new(bits, rows, columns, block, codes, scales, zeros);
}
