namespace Condense.Codecs;

/// <summary>
/// The arithmetic of a uniform (linear) grid, written once: fitting a scale γ (and zero point β)
/// to a range, the code of a value, the value of a code. Every linear encoder in Condense — the
/// per-tensor/per-channel <see cref="LinearCodec"/>, the per-block <c>BlockCodes</c> (MatMulNBits,
/// blocked DequantizeLinear), GPTQ's <c>LinearGridQuantizer</c> and the <c>GatherBlockQuantized</c>
/// embedding writer — calls it, so one range gives one grid whatever the granularity or the file.
/// </summary>
/// <remarks>
/// The scale is computed in double and stored as float32 (what every file stores); the zero point
/// and the codes are computed against that stored float scale, in double, so a decoder holding only
/// the file's float scale reproduces them. Rounding is half to even (<see cref="Math.Round(double)"/>,
/// and <see cref="LinearKernel"/>'s vector path). Before issue 22 the embedding writer did this in
/// float (γ = (hi − lo)/15f, β and codes from float quotients); docs/architecture.md records what moved.
/// </remarks>
internal static class UniformGrid
{
    /// <summary>
    /// γ of a symmetric grid covering [−<paramref name="range"/>, <paramref name="range"/>] with
    /// <paramref name="positive"/> levels above zero; 1 for an all-zero group, so codes stay finite.
    /// (For a float range and an integer level count this equals the float quotient range/positive
    /// bit for bit: double has more than 2·24 + 2 bits, so rounding twice is harmless.)
    /// </summary>
    public static float SymmetricScale(double range, int positive) => range > 0 ? (float)(range / positive) : 1f;

    /// <summary>
    /// γ and β of an asymmetric grid qmin..qmax over [min(lo, 0), max(hi, 0)]: the range always
    /// holds 0, so zero weights (padding, pruned entries) decode exactly; γ = (hi − lo)/(qmax − qmin)
    /// (1 for an empty range), β = clamp(round(qmin − lo/γ), qmin, qmax) against the stored γ.
    /// </summary>
    public static (float Scale, int Zero) Asymmetric(double lo, double hi, int qmin, int qmax)
    {
        lo = Math.Min(lo, 0);
        hi = Math.Max(hi, 0);
        float scale = hi > lo ? (float)((hi - lo) / (qmax - qmin)) : 1f;
        return (scale, (int)Math.Clamp(Math.Round(qmin - lo / scale), qmin, qmax));
    }

    /// <summary>q = clamp(round(x / γ) + β, qmin, qmax), the quotient in double against the float γ.</summary>
    public static int Code(double value, float scale, int zero, int qmin, int qmax) =>
        (int)Math.Clamp(Math.Round(value / scale) + zero, qmin, qmax);

    /// <summary>x̂ = (q − β)·γ in float32, as ONNX Runtime's DequantizeLinear, MatMulNBits and GatherBlockQuantized compute it.</summary>
    public static float Value(int code, float scale, int zero) => (code - zero) * scale;
}
