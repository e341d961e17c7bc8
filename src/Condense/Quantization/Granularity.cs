namespace Condense.Quantization;

/// <summary>Whether one codebook / scale serves the whole tensor or each output channel (row of a [out, in] weight).</summary>
public enum Granularity
{
    /// <summary>One codebook or (scale, zero point) for the whole tensor: least overhead.</summary>
    PerTensor,
    /// <summary>One per output channel (dimension 0): less error where channels differ in range, a little more overhead.</summary>
    PerChannel,
}
