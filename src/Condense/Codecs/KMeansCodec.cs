using Condense.Quantization;

namespace Condense.Codecs;

/// <summary>
/// Weight sharing (Han, Mao &amp; Dally, "Deep Compression", ICLR 2016, §3) as a codec: the values
/// of a tensor, or of each slice along the channel axis, are replaced by the nearest of 2^bits
/// shared values found by 1-D k-means (<see cref="KMeans1D"/>), so only a codebook and a
/// few-bit index per value remain. The one place this arithmetic lives: the model quantizer
/// (<see cref="WeightSharingQuantizer"/>), the ONNX Gather encoding and the Studio's download all
/// lay out what it returns.
/// </summary>
public sealed class KMeansCodec : ITensorCodec
{
    /// <param name="bits">Bits per index, 1..8: the codebook has 2^bits centroids.</param>
    /// <param name="init">k-means initialisation; <see cref="CentroidInit.Auto"/> is exact or near-exact.</param>
    /// <param name="keepZeros">Reserve centroid 0 for exactly 0 so a pruned tensor stays sparse; the other 2^bits − 1 centroids fit the non-zeros.</param>
    /// <param name="seed">Seed for the k-means++ initialisation.</param>
    public KMeansCodec(int bits, CentroidInit init = CentroidInit.Auto, bool keepZeros = false, int seed = 0)
    {
        if (bits is < 1 or > 8) throw new CondenseException($"weight sharing: bits must be in 1..8, got {bits}");
        (Bits, Init, KeepZeros, Seed) = (bits, init, keepZeros, seed);
    }

    /// <summary>Bits per index; the codebook holds 2^Bits shared values per group.</summary>
    public int Bits { get; }
    /// <summary>How the centroids start; the result's quality and speed depend on it, so it is recorded with the encoding.</summary>
    public CentroidInit Init { get; }
    /// <summary>Whether centroid 0 is pinned to exactly 0, so a pruned tensor keeps its zeros after sharing.</summary>
    public bool KeepZeros { get; }
    /// <summary>Seed of the k-means++ initialisation: the same seed gives the same codebook and codes.</summary>
    public int Seed { get; }

    /// <summary>Codes are centroid indices; <see cref="EncodedTensor.Codebook"/> holds groups × 2^bits centroids, ascending (unused slots repeat the last).</summary>
    public EncodedTensor Encode(ReadOnlySpan<float> values, long[] shape, int? channelAxis)
    {
        long count = ShapeCheck.Count(values.Length, shape, "weight sharing");
        ShapeCheck.Finite(values, "weight sharing");
        var layout = ChannelLayout.Of(shape, channelAxis, count);
        int groups = layout.Channels, per = (int)layout.PerChannel, k = 1 << Bits;
        var codebooks = new float[groups * k];
        var codes = new byte[count];
        var gathered = layout.Contiguous ? null : new float[per];
        var gatheredCodes = layout.Contiguous ? null : new byte[per];
        double sse = 0;
        var method = KMeansMethod.Trivial;
        for (int g = 0; g < groups; g++)
        {
            ReadOnlySpan<float> slice;
            Span<byte> idx;
            if (gathered is null) { slice = values.Slice(g * per, per); idx = codes.AsSpan(g * per, per); }
            else { layout.Gather(values, g, gathered); slice = gathered; idx = gatheredCodes; }
            var (book, r) = FitGroup(slice);
            sse += r?.Sse ?? 0;
            if (r is not null && Rank(r.Method) > Rank(method)) method = r.Method;
            book.CopyTo(codebooks, g * k);
            AssignGroup(slice, book, idx);
            if (gathered is not null) layout.Scatter<byte>(gatheredCodes, g, codes);
        }
        var encoded = new EncodedTensor
        {
            Kind = CodecKind.Codebook,
            Shape = (long[])shape.Clone(),
            ChannelAxis = groups > 1 ? channelAxis : null,
            Bits = Bits,
            Codes = codes,
            Codebook = codebooks,
            Fit = new KMeansFit(method, sse),
            Size = new SizeBreakdown(count * 4, BitPacking.PackedLength(count, Bits), codebooks.Length * 4L, 0, 0),
            Error = TensorError.Zero,
        };
        return encoded with { Error = TensorError.Of(values, encoded.Decode()) };
    }

    static int Rank(KMeansMethod m) => m switch
    {
        KMeansMethod.Trivial => 0, KMeansMethod.ExactDp or KMeansMethod.ExactLagrangian => 1, KMeansMethod.HistogramDpLloyd => 2, _ => 3,
    };

    (float[] Book, KMeansResult? Result) FitGroup(ReadOnlySpan<float> slice)
    {
        int K = 1 << Bits;
        var book = new float[K];
        ReadOnlySpan<float> data = slice;
        int clusters = K;
        int start = 0;
        if (KeepZeros)
        {
            var nz = new List<float>(slice.Length);
            foreach (var v in slice) if (v != 0) nz.Add(v);
            data = nz.ToArray();
            clusters = K - 1;
            start = 1;
            if (clusters == 0 || data.IsEmpty)
            {
                // Only zeros (or 1 bit and only room for zero): every slot is 0.
                return (book, null);
            }
        }
        var r = KMeans1D.Fit(data, new KMeansOptions(clusters, Init) { Seed = Seed });
        FillCodebook(r.Centroids, book.AsSpan(start, clusters));
        return (book, r);   // with KeepZeros, r.Sse covers the non-zeros; the zeros cost nothing
    }

    /// <summary>
    /// A codebook's slots from k-means' ascending centroids, as float32; when k-means found fewer
    /// centroids than slots (fewer distinct values) the last one repeats, so every index is valid
    /// and the nearest-centroid search over all slots still answers the same. The streaming
    /// encoder pads with this too.
    /// </summary>
    internal static void FillCodebook(ReadOnlySpan<double> centroids, Span<float> slots)
    {
        for (int j = 0; j < slots.Length; j++) slots[j] = (float)centroids[Math.Min(j, centroids.Length - 1)];
    }

    void AssignGroup(ReadOnlySpan<float> slice, float[] book, Span<byte> idx)
    {
        int K = book.Length;
        int start = KeepZeros ? 1 : 0;
        // Nearest among the used (ascending) centroids; padding repeats the last, so searching all is safe.
        var centroids = new double[K - start];
        for (int j = start; j < K; j++) centroids[j - start] = book[j];
        for (int i = 0; i < slice.Length; i++)
        {
            if (KeepZeros && slice[i] == 0) { idx[i] = 0; continue; }
            idx[i] = (byte)(start + KMeans1D.Nearest(centroids, slice[i]));
        }
    }
}
