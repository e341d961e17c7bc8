using Condense.Metrics;

namespace Condense.Codecs;

/// <summary>
/// What an encoding cost, element by element, computed once when the tensor is encoded and by
/// <see cref="ErrorMetrics"/> only, so the ONNX compressor, the model quantizer and the streaming
/// encoders cannot each report their own variant of "the error".
/// </summary>
/// <param name="SumSquaredError">Σ (w − ŵ)² in double.</param>
/// <param name="MeanAbsoluteError">mean |w − ŵ|.</param>
/// <param name="MaxAbsoluteError">max |w − ŵ|.</param>
/// <param name="RelativeRms">‖w − ŵ‖₂ / ‖w‖₂ (0 for an all-zero tensor).</param>
/// <param name="SqnrDb">10·log₁₀(Σw² / Σ(w − ŵ)²); +∞ when ŵ = w.</param>
public sealed record TensorError(double SumSquaredError, double MeanAbsoluteError, double MaxAbsoluteError, double RelativeRms, double SqnrDb)
{
    /// <summary>No error (a placeholder while a codec builds the value it then measures).</summary>
    internal static readonly TensorError Zero = new(0, 0, 0, 0, double.PositiveInfinity);

    /// <summary>Not known: a tensor read back from a file, whose original is gone (every figure NaN, so no report can mistake it for a measurement).</summary>
    public static readonly TensorError Unknown = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>The figures of <paramref name="decoded"/> against <paramref name="original"/> (same length, not empty).</summary>
    public static TensorError Of(ReadOnlySpan<float> original, ReadOnlySpan<float> decoded) => new(
        ErrorMetrics.SumSquaredError(original, decoded),
        ErrorMetrics.MeanAbsoluteError(original, decoded),
        ErrorMetrics.MaxAbsoluteError(original, decoded),
        ErrorMetrics.RelativeRms(original, decoded),
        ErrorMetrics.Sqnr(original, decoded));
}
