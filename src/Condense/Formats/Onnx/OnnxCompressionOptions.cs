namespace Condense.Formats.Onnx;

/// <summary>
/// Settings of <see cref="OnnxCompressor"/>, each checked when it is set (constructor or <c>with</c>),
/// bad values quoted in a <see cref="CondenseException"/>. <see cref="Method"/>, <see cref="Bits"/> and
/// <see cref="PerChannel"/> are checked against each other, so they are set by the constructor only.
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
    /// <summary>The encoding of compressed tensors (a defined <see cref="OnnxCompressionMethod"/>).</summary>
    public OnnxCompressionMethod Method { get; } = Enum.IsDefined(Method) ? Method
        : throw new CondenseException($"compression method must be one of {string.Join(", ", Enum.GetNames<OnnxCompressionMethod>())}, got {(int)Method}");

    /// <summary>Bits per weight (k-means 1–8, linear 2–8, fp16/bf16 16); null for the method's default.</summary>
    public int? Bits { get; } = CheckBits(Method, Bits);

    /// <summary>One scale and zero point per output channel; linear only.</summary>
    public bool PerChannel { get; } = !PerChannel || Method == OnnxCompressionMethod.Linear ? PerChannel
        : throw new CondenseException($"per-channel scales apply to linear quantization only, not {Name(Method)}");

    /// <summary>Tensors with fewer elements are left as they are; at least 0.</summary>
    public long MinSize { get; init => field = CheckMinSize(value); } = CheckMinSize(MinSize);

    /// <summary>Where the output keeps its weights (a defined <see cref="OnnxExternalDataMode"/>).</summary>
    public OnnxExternalDataMode ExternalData { get; init => field = CheckExternal(value); } = CheckExternal(ExternalData);

    /// <summary>Input tensor bytes from which <see cref="OnnxExternalDataMode.Auto"/> writes external data; at least 0.</summary>
    public long ExternalThresholdBytes { get; init => field = CheckThreshold(value); } = CheckThreshold(ExternalThresholdBytes);

    /// <summary>Whether compressing <paramref name="model"/> writes external data.</summary>
    public bool WritesExternal(OnnxModel model) => ExternalData switch
    {
        OnnxExternalDataMode.Always => true,
        OnnxExternalDataMode.Never => false,
        _ => model.HasExternalData || model.TensorBytes >= ExternalThresholdBytes,
    };

    /// <summary>The bits in force (the default for the method when <see cref="Bits"/> is null).</summary>
    public int EffectiveBits => Bits ?? DefaultBits(Method);

    static int DefaultBits(OnnxCompressionMethod method) => method is OnnxCompressionMethod.Fp16 or OnnxCompressionMethod.Bf16 ? 16 : 8;

    static string Name(OnnxCompressionMethod method) => method == OnnxCompressionMethod.KMeans ? "k-means" : method.ToString().ToLowerInvariant();

    static int? CheckBits(OnnxCompressionMethod method, int? bits)
    {
        var used = bits ?? DefaultBits(method);
        return method switch
        {
            OnnxCompressionMethod.KMeans when used is < 1 or > 8 => throw new CondenseException($"k-means bits must be 1–8, got {used}"),
            OnnxCompressionMethod.Linear when used is < 2 or > 8 => throw new CondenseException($"linear bits must be 2–8, got {used}"),
            OnnxCompressionMethod.Fp16 or OnnxCompressionMethod.Bf16 when used != 16 => throw new CondenseException($"{Name(method)} bits must be 16, got {used}"),
            _ => bits,
        };
    }

    static long CheckMinSize(long value) => value >= 0 ? value : throw new CondenseException($"min size must be at least 0, got {value}");

    static OnnxExternalDataMode CheckExternal(OnnxExternalDataMode value) => Enum.IsDefined(value) ? value
        : throw new CondenseException($"external data mode must be one of {string.Join(", ", Enum.GetNames<OnnxExternalDataMode>())}, got {(int)value}");

    static long CheckThreshold(long value) => value >= 0 ? value
        : throw new CondenseException($"external data threshold must be at least 0 bytes, got {value}");
}
