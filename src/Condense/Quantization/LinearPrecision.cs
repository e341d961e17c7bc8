namespace Condense.Quantization;

/// <summary>Integer formats of <see cref="LinearQuantizer"/>.</summary>
public enum LinearPrecision
{
    /// <summary>Signed 8-bit, −128..127 (symmetric uses −127..127 so zero is exact and the range is balanced).</summary>
    Int8,
    /// <summary>Unsigned 8-bit, 0..255 (symmetric puts the zero point at 128).</summary>
    UInt8,
    /// <summary>Signed 4-bit, −8..7 (symmetric −7..7), two values a byte.</summary>
    Int4,
    /// <summary>{−γ, 0, +γ}, 2 bits: TWN (Li &amp; Liu 2016), threshold 0.7·mean|w|, γ = mean |w| above it.</summary>
    Ternary,
    /// <summary>{−γ, +γ}, 1 bit: XNOR-Net/BinaryConnect, γ = mean |w| (the L2-optimal scale for sign(w)).</summary>
    Binary,
}
