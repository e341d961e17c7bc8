using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// 8-bit weight sharing per tensor (Han et al., Deep Compression, 2016 §3): 256 centroids fitted
/// by k-means on the tensor's <see cref="ValueHistogram"/>, each value replaced by the index of
/// its nearest centroid. Writes <c>{name}</c> (U8 codes, same shape) and <c>{name}.codebook</c>
/// (F32 [256], ascending; when the tensor has fewer distinct values the last centroid repeats).
/// Dequantized value = codebook[code].
/// </summary>
/// <remarks>
/// Cost: BF16/F16 tensors are read twice (exact histogram, then encoding through a 2^16-entry
/// lookup table); F32/F64 three times (range, histogram, encoding), the re-reads coming from the
/// page cache since a tensor is small beside memory. The solve works on ≤ 2^16 points, so it
/// takes milliseconds even for a 100 M-element tensor.
/// </remarks>
public sealed class KMeans8Compressor : ITensorCompressor
{
    public const int Clusters = 256;
    public const string CodebookSuffix = ".codebook";

    /// <param name="bins">Uniform bins for F32/F64 tensors (2..2^24); default 2^16.</param>
    /// <param name="minElements">Smallest tensor compressed (default 1024); smaller and 1-D tensors are copied.</param>
    public KMeans8Compressor(int bins = ValueHistogram.DefaultBins, long minElements = 1024)
    {
        if (bins is < 2 or > 1 << 24) throw new CondenseException($"k-means: histogram bins must be in 2..16777216, got {bins}");
        if (minElements < 1) throw new CondenseException($"k-means: minimum elements must be ≥ 1, got {minElements}");
        Bins = bins;
        MinElements = minElements;
    }

    public int Bins { get; }
    public long MinElements { get; }
    public string Method => "kmeans8";
    public string Settings => $"clusters={Clusters};bins={Bins};min_elements={MinElements}";

    public bool Accepts(SafetensorsEntry entry) =>
        entry.DType.IsFloat() && entry.Shape.Length >= 2 && entry.ElementCount >= MinElements;

    public IReadOnlyList<TensorOutput> Outputs(SafetensorsEntry entry) =>
    [
        new(entry.Name, TensorDType.U8, entry.Shape),
        new(entry.Name + CodebookSuffix, TensorDType.F32, [Clusters]),
    ];

    public ITensorEncoder Prepare(SafetensorsEntry entry, TensorSource source, CancellationToken cancellation)
    {
        ValueHistogram histogram;
        if (entry.DType is TensorDType.BF16 or TensorDType.F16)
        {
            histogram = ValueHistogram.Exact16(entry.DType);
            source.Aggregate(histogram.CreateEmpty, (raw, _, h) => h.AddBits(MemoryMarshal.Cast<byte, ushort>(raw)), histogram.Merge, cancellation);
        }
        else
        {
            var range = new ValueRange();
            source.Aggregate(() => new ValueRange(), (raw, _, r) => WithFloats(raw, entry.DType, r.Add), range.Merge, cancellation);
            if (range.NonFinite)
                throw new CondenseException($"{source.Path}: tensor '{entry.Name}' holds NaN or ±Inf, which k-means cannot place");
            histogram = ValueHistogram.Uniform(range.Min, range.Max, Bins);
            source.Aggregate(histogram.CreateEmpty, (raw, _, h) => WithFloats(raw, entry.DType, h.Add), histogram.Merge, cancellation);
        }
        double[] centroids;
        try
        {
            centroids = HistogramKMeans.Fit(histogram, Clusters).Centroids;
        }
        catch (CondenseException ex)
        {
            throw new CondenseException($"{source.Path}: tensor '{entry.Name}': {ex.Message}");
        }
        return new Encoder(entry.DType, histogram, centroids);
    }

    static void WithFloats(ReadOnlySpan<byte> raw, TensorDType dtype, Action<ReadOnlySpan<float>> action)
    {
        var n = raw.Length / dtype.SizeOf();
        if (dtype == TensorDType.F32)
        {
            action(MemoryMarshal.Cast<byte, float>(raw));
            return;
        }
        var scratch = ArrayPool<float>.Shared.Rent(n);
        try
        {
            TensorValues.Widen(raw, dtype, scratch.AsSpan(0, n));
            action(scratch.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    sealed class ValueRange
    {
        public double Min = double.PositiveInfinity, Max = double.NegativeInfinity;
        public bool NonFinite;

        public void Add(ReadOnlySpan<float> values)
        {
            float min = float.PositiveInfinity, max = float.NegativeInfinity, poison = 0;
            var i = 0;
            if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
            {
                var lo = Vector256.Create(float.PositiveInfinity);
                var hi = Vector256.Create(float.NegativeInfinity);
                var p = Vector256<float>.Zero;
                for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
                {
                    var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                    lo = Vector256.Min(lo, v);
                    hi = Vector256.Max(hi, v);
                    // v·0 is NaN exactly when v is NaN or ±Inf.
                    p += v * Vector256<float>.Zero;
                }
                for (var j = 0; j < Vector256<float>.Count; j++) { min = Math.Min(min, lo[j]); max = Math.Max(max, hi[j]); poison += p[j]; }
            }
            for (; i < values.Length; i++)
            {
                var v = values[i];
                poison += v * 0;
                if (v < min) min = v;
                if (v > max) max = v;
            }
            Min = Math.Min(Min, min);
            Max = Math.Max(Max, max);
            NonFinite |= !float.IsFinite(poison) || !float.IsFinite(min) || !float.IsFinite(max);
        }

        public void Merge(ValueRange other)
        {
            Min = Math.Min(Min, other.Min);
            Max = Math.Max(Max, other.Max);
            NonFinite |= other.NonFinite;
        }
    }

    /// <summary>Nearest-centroid codes through a lookup table: per bit pattern (exact) or per bin, falling back to a binary search in the few bins a decision boundary crosses.</summary>
    sealed class Encoder : ITensorEncoder
    {
        const short Ambiguous = -1;
        readonly TensorDType _dtype;
        readonly ValueHistogram _histogram;
        readonly double[] _centroids;
        readonly short[] _table;

        public Encoder(TensorDType dtype, ValueHistogram histogram, double[] centroids)
        {
            _dtype = dtype;
            _histogram = histogram;
            _centroids = centroids;
            _table = new short[histogram.Bins];
            if (histogram.ExactDType is { } exact)
            {
                for (var b = 0; b < _table.Length; b++)
                {
                    var v = TensorValues.FromBits16((ushort)b, exact);
                    _table[b] = float.IsFinite(v) ? (short)Quantization.KMeans1D.Nearest(centroids, v) : (short)0;
                }
            }
            else
            {
                var width = histogram.BinsPerUnit == 0 ? 0 : 1 / histogram.BinsPerUnit;
                for (var b = 0; b < _table.Length; b++)
                {
                    // A margin of 1 % of a bin covers rounding in BinOf; a boundary inside it sends the bin to the exact search.
                    var lo = Quantization.KMeans1D.Nearest(centroids, histogram.Min + (b - 0.01) * width);
                    var hi = Quantization.KMeans1D.Nearest(centroids, histogram.Min + (b + 1.01) * width);
                    _table[b] = lo == hi ? (short)lo : Ambiguous;
                }
            }
        }

        public void Encode(ReadOnlySpan<byte> source, long firstElement, Span<byte> codes)
        {
            if (_histogram.ExactDType is not null)
            {
                var bits = MemoryMarshal.Cast<byte, ushort>(source);
                var table = _table;
                for (var i = 0; i < bits.Length; i++) codes[i] = (byte)table[bits[i]];
                return;
            }
            var n = codes.Length;
            float[]? scratch = null;
            try
            {
                ReadOnlySpan<float> values;
                if (_dtype == TensorDType.F32) values = MemoryMarshal.Cast<byte, float>(source);
                else
                {
                    scratch = ArrayPool<float>.Shared.Rent(n);
                    TensorValues.Widen(source, _dtype, scratch.AsSpan(0, n));
                    values = scratch.AsSpan(0, n);
                }
                var table = _table;
                var h = _histogram;
                var min = h.Min;
                var scale = h.BinsPerUnit;
                var last = h.Bins - 1;
                for (var i = 0; i < values.Length; i++)
                {
                    var v = values[i];
                    var t = (v - min) * scale;
                    if (!(t > 0)) t = 0;
                    else if (t > last) t = last;
                    var c = table[(int)t];
                    codes[i] = c >= 0 ? (byte)c : (byte)Quantization.KMeans1D.Nearest(_centroids, v);
                }
            }
            finally
            {
                if (scratch is not null) ArrayPool<float>.Shared.Return(scratch);
            }
        }

        public IReadOnlyList<byte[]> Finish()
        {
            var book = new float[Clusters];
            for (var i = 0; i < Clusters; i++) book[i] = (float)_centroids[Math.Min(i, _centroids.Length - 1)];
            return [MemoryMarshal.AsBytes(book.AsSpan()).ToArray()];
        }
    }
}
