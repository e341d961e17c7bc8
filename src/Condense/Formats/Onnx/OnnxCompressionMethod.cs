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
}
