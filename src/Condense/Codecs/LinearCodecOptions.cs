using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// Settings of the one linear codec: Q = γ·(q − β) on a b-bit grid, with scale γ and zero point β
/// per group. Validated on construction and in each init, so a codec never starts with a setting
/// it cannot honour.
/// </summary>
public sealed record LinearCodecOptions
{
    /// <param name="bits">2–8 for <see cref="LinearGrid.Signed"/>/<see cref="LinearGrid.Unsigned"/>; 2 for ternary, 1 for binary.</param>
    /// <param name="grid">The integers the values map onto.</param>
    public LinearCodecOptions(int bits, LinearGrid grid = LinearGrid.Signed)
    {
        if (!Enum.IsDefined(grid)) throw new CondenseException($"linear quantization: unknown grid {grid}");
        var valid = grid switch { LinearGrid.Ternary => bits == 2, LinearGrid.Binary => bits == 1, _ => bits is >= 2 and <= 8 };
        if (!valid) throw new CondenseException($"linear quantization: {grid} cannot use {bits} bits (signed and unsigned grids take 2–8, ternary 2, binary 1)");
        Bits = bits;
        Grid = grid;
    }

    /// <summary>Bits per code: 2–8 on signed or unsigned grids, 2 for ternary, 1 for binary.</summary>
    public int Bits { get; }
    /// <summary>The integers the values map onto (signed, unsigned, ternary or binary).</summary>
    public LinearGrid Grid { get; }

    /// <summary>Symmetric (β fixed: zero exact, cheapest arithmetic; default) or asymmetric (range fitted to [min(min, 0), max(max, 0)]).</summary>
    public bool Symmetric
    {
        get => _symmetric;
        init => _symmetric = value || Grid is not (LinearGrid.Ternary or LinearGrid.Binary)
            ? value : throw new CondenseException($"linear quantization: {Grid} is symmetric only (asymmetric requested)");
    }
    bool _symmetric = true;

    /// <summary>Range calibration (default <see cref="RangeCalibration.MinMax"/>; ignored by ternary and binary).</summary>
    public RangeCalibration Calibration { get; init; } = RangeCalibration.MinMax;

    /// <summary>Percentile for <see cref="RangeCalibration.Percentile"/>, in (50, 100]; default 99.99.</summary>
    public double Percentile { get => _percentile; init => _percentile = CheckPercentile(value); }
    double _percentile = 99.99;

    /// <summary>Histogram bins for KL calibration, 256..65536; default 2048 (TensorRT's).</summary>
    public int HistogramBins { get => _bins; init => _bins = CheckBins(value); }
    int _bins = 2048;

    /// <summary>The grid's integers: symmetric signed grids drop the most negative value.</summary>
    public (int QMin, int QMax) Range => Grid switch
    {
        LinearGrid.Ternary => (-1, 1),
        LinearGrid.Binary => (0, 1),
        LinearGrid.Unsigned => (0, (1 << Bits) - 1),
        _ => Symmetric ? (-((1 << (Bits - 1)) - 1), (1 << (Bits - 1)) - 1) : (-(1 << (Bits - 1)), (1 << (Bits - 1)) - 1),
    };

    internal static double CheckPercentile(double value) => value is > 50 and <= 100 ? value
        : throw new CondenseException($"linear quantization: percentile must be in (50, 100], got {value}");

    internal static int CheckBins(int value) => value is >= 256 and <= 65536 ? value
        : throw new CondenseException($"linear quantization: histogram bins must be in 256..65536, got {value}");
}
