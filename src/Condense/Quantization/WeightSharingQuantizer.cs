namespace Condense.Quantization;

/// <summary>
/// Weight sharing (Han, Mao &amp; Dally, "Deep Compression", ICLR 2016, §3): the weights of a
/// tensor (or of each output channel) are replaced by the nearest of 2^bits shared values found
/// by 1-D k-means, so only the codebook and a few-bit index per weight are stored.
/// </summary>
/// <example><code>
/// var shared = new WeightSharingQuantizer(new WeightSharingOptions(5)).Quantize(w, [1000, 784]);
/// float[] q = shared.Reconstruct();   // what the layer now computes with
/// long bytes = shared.Size.TotalBytes;
/// </code></example>
public sealed class WeightSharingQuantizer
{
    public WeightSharingQuantizer(WeightSharingOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public WeightSharingOptions Options { get; }

    /// <summary>Quantizes a row-major tensor of the given shape. NaN/Inf or an empty tensor throw <see cref="CondenseException"/>.</summary>
    public SharedWeights Quantize(ReadOnlySpan<float> weights, long[] shape)
    {
        long count = ShapeCheck.Count(weights.Length, shape, "weight sharing");
        ShapeCheck.Finite(weights, "weight sharing");
        int bits = Options.Bits, K = 1 << bits;
        int groups = Options.Granularity == Granularity.PerChannel && shape.Length >= 2 ? (int)shape[0] : 1;
        int per = (int)(count / groups);
        var codebooks = new float[groups * K];
        var indices = new int[count];
        double sse = 0;
        var method = KMeansMethod.Trivial;
        for (int g = 0; g < groups; g++)
        {
            var slice = weights.Slice(g * per, per);
            var (book, r) = FitGroup(slice, bits);
            sse += r?.Sse ?? 0;
            if (r is not null && Rank(r.Method) > Rank(method)) method = r.Method;
            book.CopyTo(codebooks, g * K);
            var idx = indices.AsSpan(g * per, per);
            AssignGroup(slice, book, idx);
        }
        var packed = BitPacking.Pack(indices, bits);
        var huffman = Options.Huffman ? Huffman.Encode(indices, K) : null;
        return new SharedWeights((long[])shape.Clone(), bits, groups > 1 ? Granularity.PerChannel : Granularity.PerTensor,
            Options.KeepZeros, codebooks, packed, huffman, method, sse);
    }

    static int Rank(KMeansMethod m) => m switch
    {
        KMeansMethod.Trivial => 0, KMeansMethod.ExactDp or KMeansMethod.ExactLagrangian => 1, KMeansMethod.HistogramDpLloyd => 2, _ => 3,
    };

    (float[] Book, KMeansResult? Result) FitGroup(ReadOnlySpan<float> slice, int bits)
    {
        int K = 1 << bits;
        var book = new float[K];
        ReadOnlySpan<float> data = slice;
        int clusters = K;
        int start = 0;
        if (Options.KeepZeros)
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
        var r = KMeans1D.Fit(data, new KMeansOptions(clusters, Options.Init) { Seed = Options.Seed });
        var c = r.Centroids;
        for (int j = 0; j < clusters; j++) book[start + j] = (float)c[Math.Min(j, c.Length - 1)];
        return (book, r);   // with KeepZeros, r.Sse covers the non-zeros; the zeros cost nothing
    }

    void AssignGroup(ReadOnlySpan<float> slice, float[] book, Span<int> idx)
    {
        int K = book.Length;
        int start = Options.KeepZeros ? 1 : 0;
        // Nearest among the used (ascending) centroids; padding repeats the last, so searching all is safe.
        var centroids = new double[K - start];
        for (int j = start; j < K; j++) centroids[j - start] = book[j];
        for (int i = 0; i < slice.Length; i++)
        {
            if (Options.KeepZeros && slice[i] == 0) { idx[i] = 0; continue; }
            idx[i] = start + KMeans1D.Nearest(centroids, slice[i]);
        }
    }
}
