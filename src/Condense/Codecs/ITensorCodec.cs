namespace Condense.Codecs;

/// <summary>
/// One per-tensor encoding (linear at any width and granularity, k-means weight sharing,
/// fp16/bf16): a float tensor in, one immutable <see cref="EncodedTensor"/> out. This is the one
/// seam every compressing path shares; ONNX initializers, Condense's safetensors model files and
/// streaming shards are only <em>layouts</em> of its result, so the arithmetic exists once and
/// every writer stores the same codes.
/// </summary>
public interface ITensorCodec
{
    /// <summary>
    /// Encodes a row-major tensor. <paramref name="channelAxis"/> is the consuming operator's
    /// output-channel axis (0 for a [out, in] weight, the last for MatMul's [in, out]); per-channel
    /// codecs keep one scale or codebook per slice along it, per-tensor ones ignore it. Values must
    /// be finite; a bad shape or NaN/∞ throws <see cref="CondenseException"/>.
    /// </summary>
    EncodedTensor Encode(ReadOnlySpan<float> values, long[] shape, int? channelAxis);

    /// <summary>The values a consumer computes with (what every layout's decoder reproduces).</summary>
    float[] Decode(EncodedTensor encoded) => encoded.Decode();
}
