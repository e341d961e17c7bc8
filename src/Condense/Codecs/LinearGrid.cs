namespace Condense.Codecs;

/// <summary>The integers a <see cref="LinearCodec"/> maps values onto.</summary>
public enum LinearGrid
{
    /// <summary>Two's complement b-bit integers: −2^(b−1)..2^(b−1)−1 (symmetric drops the most negative, so the range is balanced and 0 exact).</summary>
    Signed,
    /// <summary>0..2^b−1 (what ONNX's uint8 DequantizeLinear reads; symmetric puts the zero point at 2^(b−1)).</summary>
    Unsigned,
    /// <summary>{−γ, 0, +γ}, 2 bits: TWN (Li &amp; Liu 2016), threshold 0.7·mean|w|, γ = mean |w| above it.</summary>
    Ternary,
    /// <summary>{−γ, +γ}, 1 bit: XNOR-Net/BinaryConnect, γ = mean |w| (the L2-optimal scale for sign(w)).</summary>
    Binary,
}
