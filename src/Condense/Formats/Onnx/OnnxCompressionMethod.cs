namespace Condense.Formats.Onnx;

/// <summary>How <see cref="OnnxCompressor"/> encodes each large float weight tensor.</summary>
public enum OnnxCompressionMethod
{
    /// <summary>Weight sharing: a k-means codebook of 2^bits floats and bit-packed indices, decoded by <c>Gather</c>.</summary>
    KMeans,

    /// <summary>Affine uint8 quantization (per tensor or per output channel), decoded by <c>DequantizeLinear</c>.</summary>
    Linear,

    /// <summary>IEEE half precision, decoded by <c>Cast</c>.</summary>
    Fp16,
    /// <summary>bfloat16 (float32's exponent, 8 bits of mantissa; round to nearest even), decoded by <c>Cast</c>:
    /// float32's range, so nothing overflows as fp16 can, at a coarser step.</summary>
    Bf16,
}
