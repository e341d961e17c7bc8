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
    readonly Codecs.KMeansCodec _codec;

    /// <summary>A quantizer with <paramref name="options"/>, checked here.</summary>
    public WeightSharingQuantizer(WeightSharingOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _codec = new Codecs.KMeansCodec(options.Bits, options.Init, options.KeepZeros, options.Seed);
    }

    /// <summary>The settings every tensor quantized by this instance uses.</summary>
    public WeightSharingOptions Options { get; }

    /// <summary>The <see cref="Codecs.KMeansCodec"/>'s value for a row-major tensor (per channel: one codebook per slice along dimension 0).</summary>
    public Codecs.EncodedTensor Encode(ReadOnlySpan<float> weights, long[] shape) =>
        _codec.Encode(weights, shape, Options.Granularity == Granularity.PerChannel ? 0 : null);

    /// <summary>One model parameter as a quantized model holds it: the codec's value, Huffman-coded for the file when the options ask.</summary>
    public EncodedParameter EncodeParameter(string name, ReadOnlySpan<float> weights, long[] shape) =>
        EncodedParameter.KMeans(name, Encode(weights, shape), Options.KeepZeros, Options.Huffman);

    /// <summary>
    /// Quantizes a row-major tensor of the given shape with the <see cref="Codecs.KMeansCodec"/>
    /// (per channel: one codebook per slice along dimension 0) and lays the result out as Condense's
    /// model file stores it: indices bit-packed, or Huffman-coded when asked. NaN/Inf or an empty
    /// tensor throw <see cref="CondenseException"/>.
    /// </summary>
    public SharedWeights Quantize(ReadOnlySpan<float> weights, long[] shape)
    {
        var e = Encode(weights, shape);
        var indices = e.CodeIntegers();
        var huffman = Options.Huffman ? Huffman.Encode(indices, 1 << Options.Bits) : null;
        return new SharedWeights(e.Shape, Options.Bits, e.Groups > 1 ? Granularity.PerChannel : Granularity.PerTensor,
            Options.KeepZeros, e.Codebook, BitPacking.Pack(indices, Options.Bits), huffman, e.Fit!.Method, e.Fit.Sse);
    }
}
