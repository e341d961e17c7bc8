using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// A histogram of a tensor's values, built in one pass, that stands in for the tensor in
/// k-means: each non-empty bin becomes one weighted point (its mean value, its count).
/// </summary>
/// <remarks>
/// <para>Two kinds. For 16-bit floats (BF16, F16) there are only 2^16 possible values, so the
/// histogram counts bit patterns and is <b>exact</b>: k-means on it is k-means on the tensor.
/// For F32/F64 the range [min, max] (from a first pass) is cut into uniform bins (default 2^16);
/// each bin keeps its count and the sum of its values' offsets inside the bin, so its point sits at
/// the bins' true mean. With 2^16 bins and 256 clusters a cluster spans hundreds of bins near the
/// mode, so assigning whole bins to clusters costs well under 0.5 % of the SSE (tested).</para>
/// <para>Offsets are summed as fixed-point integers (2^-24 of a bin), not floating point, so
/// merging the partial histograms of parallel workers in any order gives the same bits: the
/// result, and the compressed file, do not depend on scheduling.</para>
/// </remarks>
public sealed class ValueHistogram
{
    /// <summary>Default uniform bins: fine enough for 256 clusters, small enough (1.5 MB) to keep one per worker.</summary>
    public const int DefaultBins = 1 << 16;

    const double FixedOne = 1 << 24;

    readonly long[] _counts;
    readonly long[]? _offsetSums;

    ValueHistogram(TensorDType? exact, double min, double max, int bins)
    {
        ExactDType = exact;
        Min = min;
        Max = max;
        Bins = bins;
        _counts = new long[bins];
        if (exact is null)
        {
            _offsetSums = new long[bins];
            BinsPerUnit = max > min ? bins / (max - min) : 0;
        }
    }

    /// <summary>An exact histogram of the 2^16 bit patterns of BF16 or F16 values.</summary>
    public static ValueHistogram Exact16(TensorDType dtype)
    {
        if (dtype is not (TensorDType.BF16 or TensorDType.F16))
            throw new CondenseException($"an exact 16-bit histogram needs BF16 or F16 values, not {dtype.ToSafetensorsName()}");
        return new ValueHistogram(dtype, 0, 0, 1 << 16);
    }

    /// <summary>A histogram of <paramref name="bins"/> (2..2^24) equal bins over [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static ValueHistogram Uniform(double min, double max, int bins = DefaultBins)
    {
        if (bins is < 2 or > 1 << 24)
            throw new CondenseException($"histogram bins must be in 2..16777216, got {bins}");
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min)
            throw new CondenseException($"histogram range [{min}, {max}] is not a finite interval");
        return new ValueHistogram(null, min, max, bins);
    }

    /// <summary>Same kind and bins, empty: a worker's partial histogram.</summary>
    public ValueHistogram CreateEmpty() => new(ExactDType, Min, Max, Bins);

    /// <summary>BF16/F16 for an exact histogram; null for a uniform one.</summary>
    public TensorDType? ExactDType { get; }
    public double Min { get; }
    public double Max { get; }
    public int Bins { get; }
    internal double BinsPerUnit { get; }

    /// <summary>Values counted.</summary>
    public long Count { get; private set; }

    /// <summary>Counts the 16-bit patterns of an exact histogram.</summary>
    public void AddBits(ReadOnlySpan<ushort> bits)
    {
        if (ExactDType is null) throw new InvalidOperationException("bit patterns go into an exact 16-bit histogram");
        var counts = _counts;
        foreach (var b in bits) counts[b]++;
        Count += bits.Length;
    }

    /// <summary>Counts values of a uniform histogram (values outside [Min, Max] go to the end bins).</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        if (ExactDType is not null) throw new InvalidOperationException("values go into a uniform histogram");
        var counts = _counts;
        var sums = _offsetSums!;
        double min = Min, scale = BinsPerUnit;
        // The largest t whose bin is the last one and whose offset stays below 1.
        var top = Math.BitDecrement((double)Bins);
        foreach (var v in values)
        {
            var t = (v - min) * scale;
            if (!(t > 0)) t = 0;
            else if (t > top) t = top;
            var bin = (int)t;
            counts[bin]++;
            sums[bin] += (long)((t - bin) * FixedOne);
        }
        Count += values.Length;
    }

    /// <summary>Bin of a value in a uniform histogram (as <see cref="Add"/> computes it).</summary>
    public int BinOf(float value)
    {
        var t = (value - Min) * BinsPerUnit;
        if (!(t > 0)) t = 0;
        return (int)Math.Min(t, Bins - 1);
    }

    /// <summary>Adds another histogram of the same kind and bins (integer sums: order does not matter).</summary>
    public void Merge(ValueHistogram other)
    {
        if (other.ExactDType != ExactDType || other.Bins != Bins || other.Min != Min || other.Max != Max)
            throw new InvalidOperationException("histograms of different bins");
        for (var i = 0; i < Bins; i++) _counts[i] += other._counts[i];
        if (_offsetSums is not null)
            for (var i = 0; i < Bins; i++) _offsetSums[i] += other._offsetSums![i];
        Count += other.Count;
    }

    /// <summary>
    /// The weighted points of the non-empty bins, in ascending value order: the exact value (16-bit)
    /// or the bin's mean (uniform), weighted by its count.
    /// </summary>
    public (double[] Values, double[] Weights) Points()
    {
        var values = new List<double>();
        var weights = new List<double>();
        if (ExactDType is { } dtype)
        {
            var order = Enumerable.Range(0, Bins).Where(b => _counts[b] > 0)
                .Select(b => (Value: (double)TensorValues.FromBits16((ushort)b, dtype), Count: _counts[b]))
                .ToList();
            foreach (var (value, count) in order)
                if (!double.IsFinite(value))
                    throw new CondenseException($"values include {value} (NaN or ±Inf), which k-means cannot place");
            foreach (var (value, count) in order.OrderBy(p => p.Value))
            {
                // +0 and −0 are one value.
                if (values.Count > 0 && values[^1] == value) { weights[^1] += count; continue; }
                values.Add(value);
                weights.Add(count);
            }
        }
        else
        {
            var width = BinsPerUnit == 0 ? 0 : 1 / BinsPerUnit;
            for (var b = 0; b < Bins; b++)
            {
                var n = _counts[b];
                if (n == 0) continue;
                values.Add(BinsPerUnit == 0 ? Min : Min + (b + _offsetSums![b] / FixedOne / n) * width);
                weights.Add(n);
            }
        }
        return (values.ToArray(), weights.ToArray());
    }
}
