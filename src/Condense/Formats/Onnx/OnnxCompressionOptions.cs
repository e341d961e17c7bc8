namespace Condense.Formats.Onnx;

/// <summary>
/// Settings of <see cref="OnnxCompressor"/>, checked up front (<see cref="Validate"/>), bad values
/// quoted in a <see cref="CondenseException"/>.
/// </summary>
/// <param name="Method">The encoding of compressed tensors.</param>
/// <param name="Bits">Bits per weight: k-means 1–8 (a codebook of 2^bits entries; below 8 the
/// indices are bit-packed), linear 2–8 (levels 0..2^bits−1, stored in uint8), fp16 only 16.
/// Null picks 8 for k-means and linear, 16 for fp16.</param>
/// <param name="PerChannel">Linear only: one scale and zero point per output channel (the axis is
/// taken from the consuming Gemm/MatMul/Conv), which keeps channels of very different ranges
/// accurate at the cost of a few bytes per channel.</param>
/// <param name="MinSize">Tensors with fewer elements are left as they are (default 1024: biases and
/// normalisation parameters are small, sensitive, and their decoders would cost more than they save).</param>
/// <param name="Sparse">Store a tensor as positions + compressed non-zero values scattered into
/// zeros (<c>ScatterElements</c>, opset ≥ 11) whenever that is smaller than the dense encoding.</param>
/// <param name="Seed">Seed of every random choice (k-means++ initialisation).</param>
/// <param name="ExternalData">Whether the output keeps its weights in <c>{model}.data</c> beside it
/// (<see cref="OnnxExternalDataMode.Auto"/>: when the input's tensors reach
/// <paramref name="ExternalThresholdBytes"/> or the input already has external data). With external
/// data the model is compressed tensor by tensor: one tensor's bytes are in memory at a time.</param>
/// <param name="ExternalThresholdBytes">Input tensor bytes from which <see cref="OnnxExternalDataMode.Auto"/>
/// writes external data (default 1 GiB: comfortably below protobuf's 2 GiB limit, and a model that
/// size is worth not holding twice in memory).</param>
public sealed record OnnxCompressionOptions(
    OnnxCompressionMethod Method,
    int? Bits = null,
    bool PerChannel = false,
    long MinSize = 1024,
    bool Sparse = true,
    int Seed = 0,
    OnnxExternalDataMode ExternalData = OnnxExternalDataMode.Auto,
    long ExternalThresholdBytes = 1L << 30)
{
    /// <summary>Whether compressing <paramref name="model"/> writes external data.</summary>
    public bool WritesExternal(OnnxModel model) => ExternalData switch
    {
        OnnxExternalDataMode.Always => true,
        OnnxExternalDataMode.Never => false,
        _ => model.HasExternalData || model.TensorBytes >= ExternalThresholdBytes,
    };

    /// <summary>The bits in force (the default for the method when <see cref="Bits"/> is null).</summary>
    public int EffectiveBits => Bits ?? (Method is OnnxCompressionMethod.Fp16 or OnnxCompressionMethod.Bf16 ? 16 : 8);

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first setting the chosen method cannot honour, before the model is read.</summary>
    public void Validate()
    {
        var bits = EffectiveBits;
        switch (Method)
        {
            case OnnxCompressionMethod.KMeans when bits is < 1 or > 8:
                throw new CondenseException($"k-means bits must be in 1..8, not {bits}");
            case OnnxCompressionMethod.Linear when bits is < 2 or > 8:
                throw new CondenseException($"linear bits must be in 2..8, not {bits}");
            case OnnxCompressionMethod.Fp16 or OnnxCompressionMethod.Bf16 when bits != 16:
                throw new CondenseException($"{Method.ToString().ToLowerInvariant()} stores 16 bits per weight; --bits {bits} does not apply");
        }
        if (PerChannel && Method != OnnxCompressionMethod.Linear)
            throw new CondenseException($"--per-channel applies to linear quantization only, not {Method.ToString().ToLowerInvariant()}");
        if (MinSize < 0) throw new CondenseException($"min size must be ≥ 0, not {MinSize}");
        if (!Enum.IsDefined(Method)) throw new CondenseException($"unknown method {(int)Method}");
        if (!Enum.IsDefined(ExternalData)) throw new CondenseException($"unknown external data mode {(int)ExternalData}");
        if (ExternalThresholdBytes < 0) throw new CondenseException($"external data threshold must be ≥ 0 bytes, not {ExternalThresholdBytes}");
    }
}
