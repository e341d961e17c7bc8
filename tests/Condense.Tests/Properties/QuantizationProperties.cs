using Condense.Quantization;
using FsCheck.Xunit;

namespace Condense.Tests.Properties;

/// <summary>
/// Invariants of the quantizers that must hold for every input, not just the examples in
/// Quantization/: quantization is a projection (applying it twice changes nothing), k-means
/// never gets worse with more clusters, and a codebook per channel never loses to one per tensor.
/// </summary>
public class QuantizationProperties
{
    [Property(MaxTest = 150)]
    public void Weight_sharing_an_already_shared_tensor_changes_nothing(int seed, int rowKnob, int colKnob, byte bits, bool perChannel, bool keepZeros, bool huffman)
    {
        int rows = PropertyData.Dim(rowKnob, 8), cols = PropertyData.Dim(colKnob, 48);
        var w = PropertyData.Weights(seed, rows, cols);
        var options = new WeightSharingOptions(1 + bits % 6)
        {
            Granularity = perChannel ? Granularity.PerChannel : Granularity.PerTensor,
            KeepZeros = keepZeros, Huffman = huffman, Seed = seed,
        };
        var quantizer = new WeightSharingQuantizer(options);
        var once = quantizer.Quantize(w, [rows, cols]).Reconstruct();
        var twiceShared = quantizer.Quantize(once, [rows, cols]);
        var twice = twiceShared.Reconstruct();
        Assert.Equal(once, twice);
        Assert.Equal(0, twiceShared.Sse, 12);
    }

    [Property(MaxTest = 150)]
    public void Linear_quantizing_an_already_quantized_tensor_changes_nothing(int seed, int rowKnob, int colKnob, byte precision, bool perChannel)
    {
        // Symmetric formats only: asymmetric min-max rounds the zero point, so the extremes of the
        // first pass need not land on qmin/qmax and the second pass derives a slightly smaller step
        // (seed 2, shape [1, 3], Int8: 1.992157 becomes 1.9843446). PyTorch's MinMaxObserver does the same.
        const bool symmetric = true;
        int rows = PropertyData.Dim(rowKnob, 8), cols = PropertyData.Dim(colKnob, 48);
        var w = PropertyData.Weights(seed, rows, cols);
        var p = (LinearPrecision)(precision % 5);
        var quantizer = new LinearQuantizer(new LinearQuantizationOptions(p)
        {
            Symmetric = symmetric, Granularity = perChannel ? Granularity.PerChannel : Granularity.PerTensor,
        });
        var first = quantizer.Quantize(w, [rows, cols]);
        var once = first.Reconstruct();
        var twice = quantizer.Quantize(once, [rows, cols]).Reconstruct();
        // The grid may be re-derived from float32 products, so "nothing" is up to one float32 ulp of the step.
        for (int i = 0; i < once.Length; i++)
        {
            float step = first.Scales[perChannel && rows > 1 ? i / cols : 0];
            Assert.True(Math.Abs(once[i] - twice[i]) <= 1e-5f * step + 1e-30f,
                $"{p} symmetric={symmetric} perChannel={perChannel}: element {i} {once[i]} became {twice[i]} (step {step})");
        }
    }

    [Property(MaxTest = 100)]
    public void KMeans_sse_never_rises_as_k_grows(int seed, int sizeKnob, byte initKnob)
    {
        int n = PropertyData.Dim(sizeKnob, 400);
        var x = PropertyData.Weights(seed, 1, n);
        var init = (initKnob % 3) switch { 0 => CentroidInit.Exact, 1 => CentroidInit.Auto, _ => CentroidInit.Exact };
        double previous = double.PositiveInfinity;
        for (int k = 1; k <= 18; k++)
        {
            var r = KMeans1D.Fit(x, new KMeansOptions(k, init) { Seed = seed, HistogramBins = 16 });
            // The reported SSE is the real one...
            double recomputed = KMeans1D.Sse(x, r.Centroids);
            Assert.True(Math.Abs(recomputed - r.Sse) <= 1e-9 * (1 + recomputed), $"k={k}: reported SSE {r.Sse} but the centroids give {recomputed}");
            // ...and one more cluster never makes it worse.
            Assert.True(r.Sse <= previous * (1 + 1e-12) + 1e-15, $"k={k} ({init}): SSE {r.Sse} > SSE {previous} at k={k - 1}");
            previous = r.Sse;
        }
    }

    [Property(MaxTest = 100)]
    public void Per_channel_error_is_at_most_per_tensor_error(int seed, int rowKnob, int colKnob, byte bits, byte precision)
    {
        int rows = 1 + PropertyData.Dim(rowKnob, 7), cols = PropertyData.Dim(colKnob, 48);
        var w = PropertyData.Weights(seed, rows, cols);

        // Weight sharing with exact k-means: each channel's optimal codebook beats the shared one on that channel.
        var sharing = new WeightSharingOptions(1 + bits % 4) { Init = CentroidInit.Exact };
        var tensor = new WeightSharingQuantizer(sharing).Quantize(w, [rows, cols]);
        var channel = new WeightSharingQuantizer(sharing with { Granularity = Granularity.PerChannel }).Quantize(w, [rows, cols]);
        double tensorSse = PropertyData.Sse(w, tensor.Reconstruct()), channelSse = PropertyData.Sse(w, channel.Reconstruct());
        Assert.True(channelSse <= tensorSse * (1 + 1e-6) + 1e-12, $"k-means: per-channel SSE {channelSse} > per-tensor {tensorSse}");

        // Linear (symmetric min-max, 8- and 4-bit): every channel's step is at most the tensor's, so
        // every element lands within half the per-tensor step.
        var p = precision % 2 == 0 ? LinearPrecision.Int8 : LinearPrecision.Int4;
        var linear = new LinearQuantizationOptions(p);
        var lt = new LinearQuantizer(linear).Quantize(w, [rows, cols]);
        var lc = new LinearQuantizer(linear with { Granularity = Granularity.PerChannel }).Quantize(w, [rows, cols]);
        var qc = lc.Reconstruct();
        float tensorStep = lt.Scales[0];
        for (int i = 0; i < w.Length; i++)
        {
            bool zeroChannel = w.AsSpan(i / cols * cols, cols).IndexOfAnyExcept(0f) < 0;   // step 1 by convention, error 0
            Assert.True(zeroChannel || lc.Scales[i / cols] <= tensorStep, $"channel {i / cols} step {lc.Scales[i / cols]} > tensor step {tensorStep}");
            Assert.True(Math.Abs(w[i] - qc[i]) <= 0.5 * tensorStep * (1 + 1e-5), $"element {i}: per-channel error {Math.Abs(w[i] - qc[i])} > half the per-tensor step {tensorStep}");
        }
    }

    [Property(MaxTest = 200)]
    public void Huffman_decode_of_encode_is_the_identity(int seed, int lengthKnob, int alphabetKnob, byte skew)
    {
        var rng = new Random(seed);
        int alphabet = 1 + (int)((uint)alphabetKnob % 300);
        int n = (int)((uint)lengthKnob % 3000);
        var symbols = new int[n];
        // Geometric-ish frequencies with a random ratio: from uniform to extremely skewed (long codes).
        double ratio = 0.05 + 0.95 * (skew / 255.0);
        for (int i = 0; i < n; i++)
        {
            int s = 0;
            while (s < alphabet - 1 && rng.NextDouble() > ratio) s++;
            symbols[i] = s;
        }
        var code = Huffman.Encode(symbols, alphabet);
        Assert.Equal(symbols, Huffman.Decode(code));
        // Never longer than a fixed-length code of the alphabet.
        int fixedBits = Math.Max(1, (int)Math.Ceiling(Math.Log2(alphabet)));
        Assert.True(code.BitLength <= (long)fixedBits * n, $"{code.BitLength} bits > {fixedBits}·{n}");
    }
}
