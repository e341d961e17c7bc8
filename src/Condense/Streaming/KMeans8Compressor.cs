using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Condense.Codecs;
using Condense.Formats;
using Condense.Models;
using Condense.Quantization;

namespace Condense.Streaming;

/// <summary>
/// 8-bit weight sharing per tensor (Han et al., Deep Compression, 2016 §3): 256 centroids fitted
/// by k-means on the tensor's <see cref="ValueHistogram"/>, each value replaced by the index of
/// its nearest centroid. Writes the one k-means layout, <see cref="QuantizedModelFile"/>'s:
/// <c>{name}.indices</c> (U8, one index per element in order: 8-bit packing is the identity),
/// <c>{name}.codebook</c> (F32 [1, 256], ascending; when the tensor has fewer distinct values the
/// last centroid repeats, as <see cref="KMeansCodec"/> pads) and the tensor's description under
/// <see cref="QuantizedModelFile.MetadataKey"/>, so <c>condense eval</c>/<c>info</c> read a
/// streamed model as they read a quantized one. Dequantized value = codebook[index].
/// </summary>
/// <remarks>
/// Cost: every tensor is read twice, once into its histogram and once to encode (the second read
/// comes from the page cache, a tensor being small beside memory). BF16/F16 tensors count their
/// 2^16 bit patterns (exact); F32/F64 ones count the top 20 bits of their float32 patterns
/// (<see cref="ValueHistogram.Float32Keys"/>), so no range pass is needed. Both loops are one
/// table update per value, and encoding is one table lookup per value (a binary search on the
/// sorted codebook's midpoints only for values whose bin a decision boundary crosses). The solve
/// works on ≤ 2^16 points, so it takes milliseconds even for a 100 M-element tensor. The codec's
/// rules (codebook padding, nearest centroid with ties to the lower) are <see cref="KMeansCodec"/>'s;
/// only the fit on a histogram and the table lookup are streaming's, because the tensor never
/// sits in memory as one span.
/// </remarks>
public sealed class KMeans8Compressor : WeightCompressor
{
    /// <summary>Centroids per tensor: 2^8, one byte per index.</summary>
    public const int Clusters = 256;

    /// <param name="minElements">Smallest tensor compressed (default 1024); smaller and 1-D tensors are copied.</param>
    public KMeans8Compressor(long minElements = 1024) : base("kmeans8", "k-means", TensorDType.U8, minElements) { }

    /// <inheritdoc/>
    public override string Settings => $"clusters={Clusters};f32_histogram=keys{ValueHistogram.KeyBits};max_points={ValueHistogram.MaxPoints};min_elements={MinElements}";

    /// <summary>The indices, flat as the model quantizer stores them.</summary>
    protected override TensorOutput Codes(SafetensorsEntry entry) => new(entry.Name + QuantizedModelFile.IndicesSuffix, TensorDType.U8, [entry.ElementCount]);

    /// <summary>The 256 centroids, ascending, as one codebook (one group).</summary>
    protected override TensorOutput Side(SafetensorsEntry entry) => new(entry.Name + QuantizedModelFile.CodebookSuffix, TensorDType.F32, [1, Clusters]);

    /// <summary>The quantized-model description of the compressed tensors (8 bits, per tensor, solver unknown when the header is laid out).</summary>
    public override IReadOnlyDictionary<string, string> Metadata(IReadOnlyList<SafetensorsEntry> compressed)
    {
        var description = new JsonObject();
        foreach (var e in compressed)
            description[e.Name] = QuantizedModelFile.DescribeKMeans(e.Shape, 8, Granularity.PerTensor, keepZeros: false, solver: null);
        return new Dictionary<string, string> { [QuantizedModelFile.MetadataKey] = description.ToJsonString() };
    }

    /// <inheritdoc/>
    public override ITensorEncoder Prepare(SafetensorsEntry entry, TensorSource source, CancellationToken cancellation)
    {
        ValueHistogram histogram;
        if (entry.DType is TensorDType.BF16 or TensorDType.F16)
        {
            histogram = ValueHistogram.Exact16(entry.DType);
            source.Aggregate(histogram.CreateEmpty, (raw, _, h) => h.AddBits(MemoryMarshal.Cast<byte, ushort>(raw)), histogram.Merge, cancellation);
        }
        else
        {
            histogram = ValueHistogram.Float32Keys();
            source.Aggregate(histogram.CreateEmpty, (raw, _, h) => WithFloats(raw, entry.DType, f => h.AddKeyed(MemoryMarshal.Cast<float, uint>(f))), histogram.Merge, cancellation);
        }
        if (histogram.HasNonFinite)
            throw new CondenseException($"{source.Path}: tensor '{entry.Name}' holds NaN or ±Inf, which k-means cannot place");
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

    /// <summary>
    /// Nearest-centroid codes through a lookup table: per bit pattern (exact 16-bit) or per
    /// float32 key, where a key's whole bin gets one code when its two end values share their
    /// nearest centroid (nearest is monotone in the value, so every value between does too);
    /// values of the few bins a decision boundary crosses are placed by an exact binary search on
    /// the codebook's midpoints.
    /// </summary>
    sealed class Encoder : ITensorEncoder
    {
        const short Ambiguous = -1;
        readonly TensorDType _dtype;
        readonly bool _exact16;
        readonly double[] _centroids;
        readonly short[] _table;

        public Encoder(TensorDType dtype, ValueHistogram histogram, double[] centroids)
        {
            _dtype = dtype;
            _centroids = centroids;
            _table = new short[histogram.Bins];
            if (histogram.ExactDType is { } exact)
            {
                _exact16 = true;
                for (var b = 0; b < _table.Length; b++)
                {
                    var v = TensorValues.FromBits16((ushort)b, exact);
                    _table[b] = float.IsFinite(v) ? (short)KMeans1D.Nearest(centroids, v) : (short)0;
                }
                return;
            }
            // Only keys the tensor uses matter (encoding reads the same values); others go to the exact search.
            for (var key = 0; key < _table.Length; key++)
            {
                if (histogram.CountOf(key) == 0) { _table[key] = Ambiguous; continue; }
                var (start, step) = ValueHistogram.KeyedBin(key);
                var first = KMeans1D.Nearest(centroids, start);
                var last = KMeans1D.Nearest(centroids, start + step * ((1 << ValueHistogram.DroppedBits) - 1));
                _table[key] = first == last ? (short)first : Ambiguous;
            }
        }

        public void Encode(ReadOnlySpan<byte> source, long firstElement, Span<byte> codes)
        {
            var table = _table;
            if (_exact16)
            {
                var bits = MemoryMarshal.Cast<byte, ushort>(source);
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
                var patterns = MemoryMarshal.Cast<float, uint>(values);
                for (var i = 0; i < patterns.Length; i++)
                {
                    var c = table[(int)(patterns[i] >> ValueHistogram.DroppedBits)];
                    codes[i] = c >= 0 ? (byte)c : (byte)KMeans1D.Nearest(_centroids, values[i]);
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
            KMeansCodec.FillCodebook(_centroids, book);
            return [MemoryMarshal.AsBytes(book.AsSpan()).ToArray()];
        }
    }
}
