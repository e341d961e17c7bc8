namespace Condense.Codecs;

/// <summary>
/// How the codes of an <see cref="EncodedTensor"/> turn back into floats. One enum, so every
/// layout (a Condense model file, an ONNX decoder, a streaming shard) reads the same value the
/// same way instead of each keeping its own notion of "what kind of quantization this was".
/// </summary>
public enum CodecKind
{
    /// <summary>value = scale[group] · (code + <see cref="EncodedTensor.CodeOffset"/> − zero point[group]).</summary>
    Linear,
    /// <summary>value = scale[group] · (2·code − 1): XNOR-Net's {−γ, +γ} (codes 0, 1).</summary>
    Binary,
    /// <summary>value = codebook[group · 2^bits + code]: k-means weight sharing.</summary>
    Codebook,
    /// <summary>Codes are IEEE fp16 bit patterns, two bytes a value, little-endian.</summary>
    Float16,
    /// <summary>Codes are bfloat16 bit patterns (float32's top half, rounded to nearest even), two bytes a value.</summary>
    BFloat16,
}
